import type { Kysely, Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { DB } from '../schema.js'

/** A message's state after a change; absent for a removal (the row is gone). */
export interface MessageState {
  availability: string
  readStatus: string
  messageStatus: string
}

export interface HistoryChange extends MailboxKey {
  messageId: number
  /** The change number the change took in its mailbox. */
  seq: number
  kind: 'new' | 'updated' | 'removed'
  state?: MessageState
  /** Store-clock time of the change. */
  at: number
}

/**
 * Stores changes in `message_history` (migration 0013), in the caller's transaction:
 * called only by recordChanges (notification-outbox.ts), which every change that takes
 * a mailbox change number calls, so that no way of changing a message goes unrecorded.
 */
export async function recordHistory(trx: Transaction<DB>, changes: HistoryChange[]): Promise<void> {
  if (changes.length === 0) return
  await trx
    .insertInto('message_history')
    .values(
      changes.map((c) => ({
        account_id: c.accountId,
        extension_id: c.extensionId,
        message_id: c.messageId,
        change_seq: c.seq,
        kind: c.kind,
        availability: c.state?.availability ?? null,
        read_status: c.state?.readStatus ?? null,
        message_status: c.state?.messageStatus ?? null,
        at: c.at,
      })),
    )
    .execute()
}

export interface HistoryEntry {
  seq: number
  kind: HistoryChange['kind']
  availability: string | null
  readStatus: string | null
  messageStatus: string | null
  at: number
}

/** A message's stored changes, oldest first (kept after it is purged or removed). */
export async function historyOf(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  messageId: number,
): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('message_history')
    .select(['change_seq', 'kind', 'availability', 'read_status', 'message_status', 'at'])
    .where('account_id', '=', mailbox.accountId)
    .where('message_id', '=', messageId)
    .where('extension_id', '=', mailbox.extensionId)
    .orderBy('change_seq')
    .execute()
  return rows.map((r) => ({
    seq: Number(r.change_seq),
    kind: r.kind,
    availability: r.availability,
    readStatus: r.read_status,
    messageStatus: r.message_status,
    at: Number(r.at),
  }))
}
