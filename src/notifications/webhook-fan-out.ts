import type { Kysely, Transaction } from 'kysely'
import type { PublicUrl } from '../app/services.js'
import type { Clock } from '../domain/clock.js'
import type { DB } from '../storage/schema.js'
import { type ChangeGroup, envelope, eventsFor, groupChanges } from './events.js'
import { filtersFromStored } from './filters.js'
import { OUTBOX_BATCH, OUTBOX_COLUMNS, type OutboxSelect, toRow } from './outbox-rows.js'
import { reminderDue, reminderEvent, reminderOf } from './reminders.js'
import type { SubscriptionRow } from './subscriptions.js'

/** With no webhook subscription, how often pending outbox rows are marked done (one write for all). */
const IDLE_MARK_MS = 1000

/**
 * The webhook side of a dispatcher pass: one node at a time, holding
 * `notification_state`'s row, turns pending outbox rows into per-subscription rows of
 * `webhook_queue` in the transaction that marks them done, and queues the renewal
 * reminders that are due. The delivery worker (webhook-delivery.ts) sends the queue.
 */
export class WebhookFanOut {
  private lastIdleMark = 0

  constructor(
    private readonly db: Kysely<DB>,
    private readonly lockRows: boolean,
    private readonly clock: Clock,
    private readonly publicUrl: PublicUrl,
    /** A subscription as `GET /subscription/{id}` answers it (the body of a reminder). */
    private readonly describe: (row: SubscriptionRow) => Record<string, unknown>,
  ) {}

  /**
   * Runs `work` in a transaction as the one node that fans out (PostgreSQL: holding
   * `notification_state`'s row; another node holding it means this pass has nothing to do).
   */
  private async asFanOutNode(work: (trx: Transaction<DB>) => Promise<number>): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (this.lockRows) {
        const locked = await trx
          .selectFrom('notification_state')
          .select('id')
          .where('id', '=', 1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst()
        if (!locked) return 0
      }
      return work(trx)
    })
  }

  /**
   * Turns pending outbox rows into webhook queue rows; answers how many queue rows it wrote.
   * With no active webhook subscription nothing is queued, and marking the rows done is the
   * pass's only write: it is then made at most once per IDLE_MARK_MS for all pending rows,
   * so that a store without webhooks does not pay a durable commit per change.
   */
  queueChanges(): Promise<number> {
    return this.asFanOutNode(async (trx) => {
      const now = this.clock.now()
      const allSubs = await trx
        .selectFrom('subscriptions')
        .select(['id', 'account_id', 'extension_id', 'event_filters'])
        .where('transport', '=', 'WebHook')
        .where('status', '=', 'Active')
        .where('expires_at', '>', now)
        .orderBy('created_at')
        .execute()
      if (allSubs.length === 0 && Date.now() - this.lastIdleMark < IDLE_MARK_MS) return 0
      const rows = (await trx
        .selectFrom('notification_outbox')
        .select(OUTBOX_COLUMNS)
        .where('fanned_out', '=', 0)
        .orderBy('id')
        .limit(OUTBOX_BATCH)
        .execute()) as OutboxSelect[]
      if (rows.length === 0) return 0
      if (allSubs.length === 0) this.lastIdleMark = Date.now()
      const groups = groupChanges(rows.map(toRow))
      const accounts = new Set(groups.map((g) => g.accountId))
      const subs = allSubs.filter((s) => accounts.has(s.account_id))
      const queue = queueRows(groups, subs, this.publicUrl.bytes, now)
      await insertQueue(trx, queue)
      const ids = rows.map((r) => Number(r.id))
      for (let i = 0; i < ids.length; i += 500) {
        await trx
          .updateTable('notification_outbox')
          .set({ fanned_out: 1 })
          .where('id', 'in', ids.slice(i, i + 500))
          .execute()
      }
      return queue.length
    })
  }

  /**
   * Queues the renewal reminders that are due for webhook subscriptions (WebSocket
   * sessions are reminded by the node that holds them); answers how many it queued.
   */
  queueReminders(): Promise<number> {
    return this.asFanOutNode(async (trx) => {
      const now = this.clock.now()
      const subs = await trx
        .selectFrom('subscriptions')
        .selectAll()
        .where('transport', '=', 'WebHook')
        .where('status', '=', 'Active')
        .where('expires_at', '>', now)
        .where('event_filters', 'like', '%/subscription/~?%')
        .orderBy('created_at')
        .execute()
      const queue: QueueRow[] = []
      for (const sub of subs) {
        const filter = reminderOf(filtersFromStored(JSON.parse(sub.event_filters)))
        if (!filter || !reminderDue(filter, Number(sub.expires_at), sub.reminded_at, now)) continue
        const event = reminderEvent(filter, this.describe(sub), now)
        queue.push({
          subscription_id: sub.id,
          body: JSON.stringify(envelope(event, sub.id, sub.extension_id)),
          created_at: now,
        })
        await trx.updateTable('subscriptions').set({ reminded_at: now }).where('id', '=', sub.id).execute()
      }
      await insertQueue(trx, queue)
      return queue.length
    })
  }
}

interface QueueRow {
  subscription_id: string
  body: string
  created_at: number
}

async function insertQueue(trx: Transaction<DB>, queue: QueueRow[]): Promise<void> {
  for (let i = 0; i < queue.length; i += 200) {
    await trx
      .insertInto('webhook_queue')
      .values(queue.slice(i, i + 200))
      .execute()
  }
}

function queueRows(
  groups: ChangeGroup[],
  subs: { id: string; extension_id: string; event_filters: string }[],
  base: Buffer,
  now: number,
): QueueRow[] {
  const parsed = subs.map((s) => ({ ...s, filters: filtersFromStored(JSON.parse(s.event_filters)) }))
  const out: QueueRow[] = []
  for (const group of groups) {
    for (const sub of parsed) {
      for (const filter of sub.filters) {
        for (const event of eventsFor(filter, group, base)) {
          out.push({
            subscription_id: sub.id,
            body: JSON.stringify(envelope(event, sub.id, sub.extension_id)),
            created_at: now,
          })
        }
      }
    }
  }
  return out
}
