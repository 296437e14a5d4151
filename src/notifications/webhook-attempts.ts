import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../storage/schema.js'
import type { SubscriptionRow } from './subscriptions.js'
import type { post } from './webhook-http.js'

const BLACKLIST_AFTER_MS = 10 * 60_000
const MAX_BACKOFF_MS = 60_000
/** Attempts kept per subscription for the admin view. */
const HISTORY = 100

export interface Attempt {
  item: { id: number; body: string }
  result: Awaited<ReturnType<typeof post>>
  ok: boolean
  /** Store-clock time of the answer. */
  at: number
}

interface PendingRecord {
  sub: SubscriptionRow
  attempts: Attempt[]
  resolve(): void
  reject(err: unknown): void
}

/**
 * What a webhook subscription's attempts leave: their history, the removal of what was
 * delivered, and the subscription's state after the last one (delivered; failing, with its
 * backoff of 1 s, 2 s, 4 s … at most a minute on the store clock; or Blacklisted after
 * failing for ten minutes, its queue dropped).
 */
export class AttemptRecorder {
  /** Batches waiting to be recorded, by the next commit of them all. */
  private recording: PendingRecord[] = []
  private recorder?: Promise<void>
  /** Attempts recorded per subscription since its history was last trimmed. */
  private readonly sinceTrim = new Map<string, number>()

  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Records a batch's attempts; resolves once they are committed. The batches that
   * subscriptions served side by side finish meanwhile are recorded together, in one
   * transaction (one durable commit for them all); a subscription sends its next batch
   * only after its last one is recorded.
   */
  record(sub: SubscriptionRow, attempts: Attempt[]): Promise<void> {
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
