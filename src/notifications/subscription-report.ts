import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { DB } from '../storage/schema.js'
import { subscriptionErrors } from './errors.js'
import type { SubscriptionService } from './subscriptions.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString())

/**
 * What the admin API tells of subscriptions (`GET /admin/v1/subscriptions` and
 * `…/{id}/deliveries`): every subscription with its status, last delivery, failures and
 * queue, and a subscription's recent delivery attempts, so a developer can see why a
 * receiver got nothing.
 */
export class SubscriptionReport {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly subscriptions: SubscriptionService,
  ) {}

  async all(): Promise<Record<string, unknown>[]> {
    const rows = await this.db.selectFrom('subscriptions').selectAll().orderBy('created_at').execute()
    const pending = await this.db
      .selectFrom('webhook_queue')
      .select(['subscription_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('subscription_id')
      .execute()
    const queued = new Map(pending.map((p) => [p.subscription_id, Number(p.n)]))
    return rows.map((r) => ({
      ...this.subscriptions.info(r),
      accountId: r.account_id,
      extensionId: r.extension_id,
      clientId: r.client_id,
      expired: Number(r.expires_at) <= this.clock.now(),
      lastDeliveryTime: iso(r.last_delivery_at),
      lastDeliveryStatus: r.last_delivery_status,
      failures: Number(r.failures),
      failingSince: iso(r.failing_since),
      queued: queued.get(r.id) ?? 0,
    }))
  }

  /** The newest 100 delivery attempts of one subscription; 404 `SUB-` when there is none such. */
  async deliveries(id: string): Promise<Record<string, unknown>[]> {
    const sub = await this.db.selectFrom('subscriptions').select('id').where('id', '=', id).executeTakeFirst()
    if (!sub) throw subscriptionErrors.notFound()
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('subscription_id', '=', id)
      .orderBy('id', 'desc')
      .limit(100)
      .execute()
    return rows.map((r) => ({
      time: iso(r.at),
      outcome: r.outcome,
      status: r.status,
      durationMs: Number(r.duration_ms),
      error: r.error,
      body: JSON.parse(r.body),
    }))
  }
}
