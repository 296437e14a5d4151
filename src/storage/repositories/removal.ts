import type { Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import { canLockRows } from '../dialects/row-locks.js'
import type { DB } from '../schema.js'
import { recordChanges } from './notification-outbox.js'

/**
 * Physical removal of messages (after Purged, and by the retention rules). A removed
 * message leaves a tombstone numbered in the mailbox's change sequence, so that an
 * ISync tells a client to drop it; the tombstone keeps what decides which sync frames
 * the message lay in.
 */

/**
 * Holds the mailbox row until the transaction ends: on PostgreSQL a row lock, taken
 * before any message of the mailbox is read, in the same order as every other writer
 * (mailbox, then messages). SQLite runs one writer at a time and needs none.
 */
export async function lockMailbox(trx: Transaction<DB>, mailbox: MailboxKey): Promise<boolean> {
  let query = trx
    .selectFrom('mailboxes')
    .select('extension_id')
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
  if (canLockRows(trx)) query = query.forUpdate()
  return (await query.executeTakeFirst()) !== undefined
}

/** Takes `count` consecutive change sequence numbers of the mailbox; answers the first. */
export async function reserveChangeSeqs(
  trx: Transaction<DB>,
  mailbox: MailboxKey,
  count: number,
): Promise<number> {
  const row = await trx
    .updateTable('mailboxes')
    .set((eb) => ({ change_seq: eb('change_seq', '+', count) }))
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .returning('change_seq')
    .executeTakeFirstOrThrow()
  return Number(row.change_seq) - count + 1
}

export interface Removal {
  /** Messages removed (those of `ids` still there). */
  removed: number
  /** Blob keys the removed attachments referenced: free those no attachment references any more, after commit. */
  blobKeys: string[]
}

/**
 * Removes messages of one mailbox for good; call inside a transaction that holds the
 * mailbox (see lockMailbox).
 */
export async function removeMessages(
  trx: Transaction<DB>,
  mailbox: MailboxKey,
  ids: number[],
  now: number,
): Promise<Removal> {
  if (ids.length === 0) return { removed: 0, blobKeys: [] }
  const { accountId } = mailbox
  const rows = await trx
    .selectFrom('messages')
    .select(['id', 'type', 'direction', 'conversation_id', 'creation_time'])
    .where('account_id', '=', accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('id', 'in', ids)
    .orderBy('id')
    .execute()
  if (rows.length === 0) return { removed: 0, blobKeys: [] }
  const present = rows.map((r) => Number(r.id))
  const keys = await trx
    .selectFrom('attachments')
    .select('blob_key')
    .distinct()
    .where('account_id', '=', accountId)
    .where('message_id', 'in', present)
    .where('blob_key', 'is not', null)
    .execute()
  await trx
    .deleteFrom('attachments')
    .where('account_id', '=', accountId)
    .where('message_id', 'in', present)
    .execute()
  await trx.deleteFrom('messages').where('account_id', '=', accountId).where('id', 'in', present).execute()
  const first = await reserveChangeSeqs(trx, mailbox, rows.length)
  await trx
    .insertInto('message_tombstones')
    .values(
      rows.map((r, i) => ({
        message_id: Number(r.id),
        account_id: accountId,
        extension_id: mailbox.extensionId,
        change_seq: first + i,
        removed_at: now,
        type: r.type,
        direction: r.direction,
        conversation_id: r.conversation_id === null ? null : Number(r.conversation_id),
        creation_time: Number(r.creation_time),
      })),
    )
    .execute()
  await recordChanges(
    trx,
    rows.map((r, i) => ({
      accountId,
      extensionId: mailbox.extensionId,
      messageId: Number(r.id),
      type: r.type,
      direction: r.direction,
      kind: 'removed' as const,
      seq: first + i,
      state: undefined,
      at: now,
    })),
  )
  return { removed: rows.length, blobKeys: keys.map((k) => k.blob_key!) }
}
