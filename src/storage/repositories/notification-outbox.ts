import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import { onTransactionCommitted, type ReadNow } from '../commit-signal.js'
import type { DB } from '../schema.js'
import { type MessageState, recordHistory } from './message-history.js'

/**
 * The notification outbox: every change that takes a mailbox change number writes one
 * row here, in the same transaction (see nextChangeSeq's callers: insertMessage,
 * changeMessage, changeDelivery, removeMessages). A rolled-back change leaves no row;
 * a committed one is announced even if the process dies right after the commit.
 * The same call stores the change in the message's history (message-history.ts): this
 * is the one place every change of a message passes through.
 *
 * Rows written by one transaction carry one `txn` key, so that the changes a single
 * request makes in one mailbox (a bulk update of 50 messages) become one notification
 * with exact counts. The key is kept per transaction object; a savepoint inside a
 * transaction is a new object and must be joined to its transaction (joinChangeGroup).
 */

const groups = new WeakMap<object, string>()

/**
 * Emits 'commit' after a commit of this process that follows outbox writes, with the
 * commit signal's ReadNow where there is one: the notification dispatcher then looks at
 * once, instead of at its next poll. (With several
 * transactions open at once, on PostgreSQL, the first commit after a write takes the
 * signal; a later one is seen through LISTEN/NOTIFY or the poll.)
 */
export const outboxCommits = new EventEmitter()
let written = false
onTransactionCommitted((readNow?: ReadNow) => {
  if (!written) return
  written = false
  outboxCommits.emit('commit', readNow)
})

function groupOf(trx: object): string {
  let key = groups.get(trx)
  if (!key) {
    key = randomUUID()
    groups.set(trx, key)
  }
  return key
}

/** Makes the changes written through `savepoint` part of `trx`'s notification. */
export function joinChangeGroup(trx: object, savepoint: object): void {
  groups.set(savepoint, groupOf(trx))
}

export interface OutboxChange extends MailboxKey {
  messageId: number
  type: string
  direction: string
  kind: 'new' | 'updated' | 'removed'
  /** The change number the change took (nextChangeSeq, or reserveChangeSeqs for removals). */
  seq: number
  /** The message's state after the change; undefined only for `removed`. */
  state: MessageState | undefined
  /** The stored record, for a new message (instant, fax and voicemail filters carry it). */
  record?: Buffer
  /** Store-clock time of the change. */
  at: number
}

export async function recordChange(trx: Transaction<DB>, change: OutboxChange): Promise<void> {
  await recordChanges(trx, [change])
}

export async function recordChanges(trx: Transaction<DB>, changes: OutboxChange[]): Promise<void> {
  if (changes.length === 0) return
  const txn = groupOf(trx)
  const postedAt = Date.now()
  await trx
    .insertInto('notification_outbox')
    .values(
      changes.map((c) => ({
        account_id: c.accountId,
        extension_id: c.extensionId,
        txn,
        message_id: c.messageId,
        message_type: c.type,
        direction: c.direction,
        kind: c.kind,
        record: c.kind === 'new' ? (c.record ?? null) : null,
        created_at: c.at,
        posted_at: postedAt,
      })),
    )
    .execute()
  await recordHistory(
    trx,
    changes.map((c) => ({
      accountId: c.accountId,
      extensionId: c.extensionId,
      messageId: c.messageId,
      seq: c.seq,
      kind: c.kind,
      state: c.state,
      at: c.at,
    })),
  )
  written = true
}
