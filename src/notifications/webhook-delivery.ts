import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { DB } from '../storage/schema.js'
import { notificationCounters } from './metrics.js'
import type { SubscriptionRow } from './subscriptions.js'
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
const BLACKLIST_AFTER_MS = 10 * 60_000
const MAX_BACKOFF_MS = 60_000
const POLL_MS = 200
const CONCURRENCY = 32
const HISTORY = 100
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

  /** Batches waiting to be recorded, by the next commit of them all. */
  private recording: PendingRecord[] = []
  private recorder?: Promise<void>
  /** Attempts recorded per subscription since its history was last trimmed. */
  private readonly sinceTrim = new Map<string, number>()

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
  ) {}

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
      await this.record(sub, attempts)
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

  /**
   * Records a batch's attempts; resolves once they are committed. The batches that
   * subscriptions served side by side finish meanwhile are recorded together, in one
   * transaction (one durable commit for them all); a subscription sends its next batch
   * only after its last one is recorded.
   */
  private record(sub: SubscriptionRow, attempts: Attempt[]): Promise<void> {
    if (attempts.length === 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.recording.push({ sub, attempts, resolve, reject })
      if (!this.recorder) this.recorder = this.recordPending()
    })
  }

  private async recordPending(): Promise<void> {
    // Let the other subscriptions' batches that finish in this turn join.
    await new Promise((r) => setImmediate(r))
    while (this.recording.length > 0) {
      const batches = this.recording
      this.recording = []
      try {
        await this.db.transaction().execute(async (trx) => {
          for (const { sub, attempts } of batches) await this.recordBatch(trx, sub, attempts)
        })
        for (const b of batches) b.resolve()
      } catch {
        // One batch that cannot be recorded (its subscription deleted meanwhile …) must not
        // fail the others: each on its own then.
        for (const b of batches) {
          await this.db
            .transaction()
            .execute((trx) => this.recordBatch(trx, b.sub, b.attempts))
            .then(b.resolve, b.reject)
        }
      }
    }
    this.recorder = undefined
  }

  /**
   * One batch's attempts: the history rows, the removal of the delivered items, and the
   * subscription's state after the last attempt (delivered, or failing with its backoff,
   * or Blacklisted after failing for ten minutes).
   */
  private async recordBatch(trx: Transaction<DB>, sub: SubscriptionRow, attempts: Attempt[]): Promise<void> {
    const id = sub.id
    const last = attempts[attempts.length - 1]!
    const delivered = attempts.filter((a) => a.ok).map((a) => a.item.id)
    for (let i = 0; i < attempts.length; i += 100) {
      await trx
        .insertInto('webhook_deliveries')
        .values(
          attempts.slice(i, i + 100).map(({ item, result, ok, at }) => ({
            subscription_id: id,
            at,
            status: result.status ?? null,
            outcome: ok ? 'Delivered' : 'Failed',
            duration_ms: result.durationMs,
            error: result.error ?? (ok ? null : `HTTP ${result.status} ${result.statusText ?? ''}`.trim()),
            body: item.body,
          })),
        )
        .execute()
    }
    if (delivered.length > 0) await trx.deleteFrom('webhook_queue').where('id', 'in', delivered).execute()
    const { result, at } = last
    if (last.ok) {
      await trx
        .updateTable('subscriptions')
        .set({
          last_delivery_at: at,
          last_delivery_status: String(result.status),
          failing_since: null,
          failures: 0,
          next_attempt_at: null,
        })
        .where('id', '=', id)
        .execute()
    } else {
      // A delivery earlier in the batch succeeded: the failing started with this one.
      const fresh = delivered.length > 0
      const failingSince = fresh || sub.failing_since === null ? at : Number(sub.failing_since)
      const failures = fresh ? 1 : Number(sub.failures) + 1
      const reason =
        result.status !== undefined
          ? `Webhook responses with code: [${result.status}], reason: [${result.statusText ?? ''}]`
          : `Webhook delivery failed: ${result.error}`
      const status = result.status === undefined ? 'error' : String(result.status)
      if (at - failingSince >= BLACKLIST_AFTER_MS) {
        await trx
          .updateTable('subscriptions')
          .set({
            status: 'Blacklisted',
            blacklisted_at: at,
            blacklist_reason: reason,
            failures,
            last_delivery_at: at,
            last_delivery_status: status,
          })
          .where('id', '=', id)
          .execute()
        await trx.deleteFrom('webhook_queue').where('subscription_id', '=', id).execute()
      } else {
        await trx
          .updateTable('subscriptions')
          .set({
            failing_since: failingSince,
            failures,
            next_attempt_at: at + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1)),
            last_delivery_at: at,
            last_delivery_status: status,
          })
          .where('id', '=', id)
          .execute()
      }
    }
    // The admin view shows the newest HISTORY; trimming after every batch cost a statement each.
    const since = (this.sinceTrim.get(id) ?? 0) + attempts.length
    if (since >= HISTORY / 2) {
      await pruneHistory(trx, id)
      this.sinceTrim.delete(id)
    } else this.sinceTrim.set(id, since)
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

interface PendingRecord {
  sub: SubscriptionRow
  attempts: Attempt[]
  resolve(): void
  reject(err: unknown): void
}

interface Attempt {
  item: { id: number; body: string }
  result: Awaited<ReturnType<typeof post>>
  ok: boolean
  /** Store-clock time of the answer. */
  at: number
}

/** Keeps the newest HISTORY attempts of a subscription (the admin view's); up to 1.5 × HISTORY stay between trims. */
async function pruneHistory(trx: Transaction<DB>, id: string): Promise<void> {
  await trx
    .deleteFrom('webhook_deliveries')
    .where('subscription_id', '=', id)
    .where('id', 'not in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('subscription_id', '=', id)
        .orderBy('id', 'desc')
        .limit(HISTORY),
    )
    .execute()
}
