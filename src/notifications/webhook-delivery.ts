import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { DB } from '../storage/schema.js'
import { notificationCounters } from './metrics.js'
import type { SubscriptionRow } from './subscriptions.js'
import { type Attempt, AttemptRecorder } from './webhook-attempts.js'
import { post } from './webhook-http.js'

/**
 * Webhook deliveries. Each subscription's queue (`webhook_queue`, filled by the outbox
 * fan-out in the same transaction that marks outbox rows done) is sent in order by one
 * node at a time: a node takes a lease on the subscription row, posts the oldest item,
 * and removes it only once the receiver answered 2xx. Subscriptions are served side by
 * side, so a receiver that hangs costs its own subscription the timeout and nobody else
 * anything; the request path only ever writes rows.
 *
 * A failure backs off on the store's clock (1 s, 2 s, 4 s … at most a minute); a
 * subscription whose receiver has failed for ten minutes becomes Blacklisted and its
 * queue is dropped. A crash after the receiver's answer and before the removal is the one
 * way an item is sent twice; a crash before it never loses one.
 */

const USER_AGENT = 'RingCentral-Webhook/8.3'
const POLL_MS = 200
const CONCURRENCY = 32
/** Queue items read (and sent in order) between looks at the subscription. */
const BATCH = 50
/** How often a node sending a long queue extends its lease (which lasts the timeout and 30 s). */
const LEASE_RENEW_MS = 10_000
const HANDSHAKE_MAX_BYTES = 1024

/** The Validation-Token handshake; answers why it failed, or undefined when it passed. */
export async function handshake(address: string, timeoutMs: number): Promise<string | undefined> {
  const token = randomUUID()
  const result = await post(
    address,
    {
      'Validation-Token': token,
      'Content-Type': 'application/json; charset=UTF-8',
      'User-Agent': USER_AGENT,
    },
    '',
    timeoutMs,
    HANDSHAKE_MAX_BYTES,
  )
  if (result.error) return result.error
  if (result.status !== 200) return `status ${result.status}`
  if (result.headers['validation-token'] !== token) return 'Validation-Token not echoed'
  return undefined
}

export class WebhookWorker {
  private timer?: NodeJS.Timeout
  private stopped = true
  private readonly inFlight = new Set<string>()
  private polling = false
  private readonly recorder: AttemptRecorder

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly log: { error(obj: object, msg: string): void },
    /**
     * Other processes serve the same queues (PostgreSQL nodes, a shared SQLite file): a
     * subscription is then served under a lease on its row. A store of one process needs
     * no lease in the database: `inFlight` already keeps a subscription to one sender,
     * and the start of the process voids what a dead one left.
     */
    private readonly shared: boolean,
    /** Resolves once every commit so far is on disk (DialectInfo.durable). */
    private readonly durable: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.recorder = new AttemptRecorder(db)
  }

  start(): void {
    this.stopped = false
    const tick = () => {
      if (this.stopped) return
      this.poll()
        .catch((err) => this.log.error({ err }, 'webhook poll failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, POLL_MS)
        })
    }
    this.timer = setTimeout(tick, 0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    for (let i = 0; i < 100 && this.inFlight.size > 0; i++) await new Promise((r) => setTimeout(r, 50))
  }

  /** Looks for queues to serve now (after a fan-out), besides the timer. */
  wake(): void {
    if (!this.stopped) this.poll().catch((err) => this.log.error({ err }, 'webhook poll failed'))
  }

  private async poll(): Promise<void> {
    if (this.polling || this.inFlight.size >= CONCURRENCY) return
    this.polling = true
    try {
      const now = this.clock.now()
      const due = await this.db
        .selectFrom('subscriptions as s')
        .select('s.id')
        .where('s.transport', '=', 'WebHook')
        .where((eb) => eb.or([eb('s.next_attempt_at', 'is', null), eb('s.next_attempt_at', '<=', now)]))
        .where((eb) =>
          eb.or([eb('s.delivering_until', 'is', null), eb('s.delivering_until', '<', Date.now())]),
        )
        .where((eb) =>
          eb.exists(
            eb.selectFrom('webhook_queue as q').select('q.id').whereRef('q.subscription_id', '=', 's.id'),
          ),
        )
        .limit(CONCURRENCY)
        .execute()
      for (const { id } of due) {
        if (this.inFlight.has(id) || this.inFlight.size >= CONCURRENCY) continue
        if (!(await this.lease(id))) continue
        this.inFlight.add(id)
        this.serve(id)
          .catch((err) => this.log.error({ err, subscription: id }, 'webhook delivery failed'))
          .finally(() => {
            this.inFlight.delete(id)
            this.release(id).catch(() => {})
          })
      }
    } finally {
      this.polling = false
    }
  }

  private async lease(id: string): Promise<boolean> {
    if (!this.shared) return true
    const until = Date.now() + this.timeoutMs + 30_000
    const result = await this.db
      .updateTable('subscriptions')
      .set({ delivering_until: until })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('delivering_until', 'is', null), eb('delivering_until', '<', Date.now())]))
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Extends the lease this node holds. */
  private async extendLease(id: string): Promise<void> {
    if (!this.shared) return
    await this.db
      .updateTable('subscriptions')
      .set({ delivering_until: Date.now() + this.timeoutMs + 30_000 })
      .where('id', '=', id)
      .execute()
  }

  private async release(id: string): Promise<void> {
    if (!this.shared) return
    await this.db.updateTable('subscriptions').set({ delivering_until: null }).where('id', '=', id).execute()
  }

  /**
   * Sends the subscription's queue in order until it is empty, a delivery fails, or it must
   * stop. The subscription is looked at again every BATCH items (status, expiry, owner):
   * reading it before each item cost more than the POST itself. The attempts of a batch are
   * recorded in one transaction after it (one durable commit per batch, not per POST): a
   * crash in between sends the batch's delivered items again, in order, never loses one.
   */
  private async serve(id: string): Promise<void> {
    let leasedAt = Date.now()
    while (!this.stopped) {
      const sub = await this.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      if (!sub) return
      const now = this.clock.now()
      if (
        sub.status !== 'Active' ||
        Number(sub.expires_at) <= now ||
        !(await this.ownerActive(sub.session_id))
      ) {
        // Nothing is owed to an expired or blacklisted subscription, or one whose session ended.
        await this.db.deleteFrom('webhook_queue').where('subscription_id', '=', id).execute()
        return
      }
      if (sub.next_attempt_at !== null && Number(sub.next_attempt_at) > now) return
      const items = await this.db
        .selectFrom('webhook_queue')
        .selectAll()
        .where('subscription_id', '=', id)
        .orderBy('id')
        .limit(BATCH)
        .execute()
      if (items.length === 0) return
      await this.durable()
      const attempts: Attempt[] = []
      for (const item of items) {
        if (this.stopped) break
        // The lease outlasts one delivery; a long queue extends it as it goes, so that no
        // other node takes the subscription over while this one is still sending it.
        if (Date.now() - leasedAt > LEASE_RENEW_MS) {
          await this.extendLease(id)
          leasedAt = Date.now()
        }
        const attempt = await this.send(sub, item)
        attempts.push(attempt)
        if (!attempt.ok) break
      }
      await this.recorder.record(sub, attempts)
      if (attempts.length === 0 || !attempts[attempts.length - 1]!.ok) return
    }
  }

  /** Posts one queued item; answers the attempt, to be recorded with its batch. */
  private async send(sub: SubscriptionRow, item: { id: number; body: string }): Promise<Attempt> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=UTF-8',
      'User-Agent': USER_AGENT,
    }
    // Never Validation-Token on a delivery: receivers take any request carrying it for the handshake.
    if (sub.verification_token) headers['Verification-Token'] = sub.verification_token
    const result = await post(sub.address!, headers, item.body, this.timeoutMs)
    const ok =
      result.error === undefined && result.status !== undefined && result.status >= 200 && result.status < 300
    notificationCounters.webhookDeliveries[ok ? 'delivered' : 'failed']++
    return { item, result, ok, at: this.clock.now() }
  }

  /** A subscription delivers while its user's session lasts and the user is enabled. */
  private async ownerActive(sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('oauth_sessions')
      .select('status')
      .where('id', '=', sessionId)
      .executeTakeFirst()
    return row !== undefined && (row.status ?? 'Enabled') === 'Enabled'
  }
}
