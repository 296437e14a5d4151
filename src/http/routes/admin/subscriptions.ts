import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { subscriptionErrors } from '../../../notifications/errors.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString())

/**
 * `GET /admin/v1/subscriptions` and `GET /admin/v1/subscriptions/{id}/deliveries`: every
 * subscription with its status, last delivery and failures, and a subscription's recent
 * delivery attempts, so a developer can see why a receiver got nothing.
 */
export function registerAdminSubscriptionRoutes(app: FastifyInstance, services: Services): void {
  app.get('/admin/v1/subscriptions', async () => {
    const rows = await services.db.selectFrom('subscriptions').selectAll().orderBy('created_at').execute()
    const pending = await services.db
      .selectFrom('webhook_queue')
      .select(['subscription_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('subscription_id')
      .execute()
    const queued = new Map(pending.map((p) => [p.subscription_id, Number(p.n)]))
    return {
      records: rows.map((r) => ({
        ...services.notifications.subscriptions.info(r),
        accountId: r.account_id,
        extensionId: r.extension_id,
        clientId: r.client_id,
        expired: Number(r.expires_at) <= services.clock.now(),
        lastDeliveryTime: iso(r.last_delivery_at),
        lastDeliveryStatus: r.last_delivery_status,
        failures: Number(r.failures),
        failingSince: iso(r.failing_since),
        queued: queued.get(r.id) ?? 0,
      })),
    }
  })

  app.get<{ Params: { id: string } }>('/admin/v1/subscriptions/:id/deliveries', async (request) => {
    const { id } = request.params
    const sub = await services.db
      .selectFrom('subscriptions')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst()
    if (!sub) throw subscriptionErrors.notFound()
    const rows = await services.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('subscription_id', '=', id)
      .orderBy('id', 'desc')
      .limit(100)
      .execute()
    return {
      records: rows.map((r) => ({
        time: iso(r.at),
        outcome: r.outcome,
        status: r.status,
        durationMs: Number(r.duration_ms),
        error: r.error,
        body: JSON.parse(r.body),
      })),
    }
  })
}
