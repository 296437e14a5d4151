import type { Kysely, Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import { renderRecord } from '../../domain/message/record.js'
import type { DB } from '../schema.js'
import type { KeepTarget } from './kept-messages.js'
import { lockMessage, toMessage } from './message-changes.js'
import { nextChangeSeq } from './messages.js'
import { recordChange } from './notification-outbox.js'

/** The bytes of kept messages' attachments (import and mirror): which are missing, and pointing a record at them. */

export type KeptBytesOutcome =
  | { outcome: 'stored' | 'unchanged'; releasedBlobKeys: string[] }
  /** The mailbox has no such message or the message no such attachment. */
  | { outcome: 'unknown' }
  /** The message is Purged: its bytes are gone by design, none are kept. */
  | { outcome: 'purged' }

/**
 * Points one attachment at stored bytes; call inside a transaction. When the bytes'
 * size differs from the record's `size`, the record is corrected and takes a change number.
 */
export async function attachKeptBytes(
  trx: Transaction<DB>,
  target: KeepTarget & { messageId: number; attachmentId: number },
  blob: { key: string; size: number },
): Promise<KeptBytesOutcome> {
  const row = await lockMessage(trx, target)
  if (!row) return { outcome: 'unknown' }
  if (row.availability === 'Purged') return { outcome: 'purged' }
  const attachments = await trx
    .selectFrom('attachments')
    .select(['id', 'type', 'content_type', 'file_name', 'size', 'blob_key', 'extra'])
    .where('account_id', '=', target.accountId)
    .where('message_id', '=', target.messageId)
    .orderBy('position')
    .orderBy('id')
    .execute()
  const attachment = attachments.find((a) => Number(a.id) === target.attachmentId)
  if (!attachment) return { outcome: 'unknown' }
  const resized = Number(attachment.size) !== blob.size
  if (attachment.blob_key === blob.key && !resized) return { outcome: 'unchanged', releasedBlobKeys: [] }
  await trx
    .updateTable('attachments')
    .set({ blob_key: blob.key, size: blob.size })
    .where('account_id', '=', target.accountId)
    .where('message_id', '=', target.messageId)
    .where('id', '=', target.attachmentId)
    .execute()
  if (resized) {
    attachment.size = blob.size
    const record = renderRecord(toMessage(row, attachments))
    const seq = await nextChangeSeq(trx, target)
    await trx
      .updateTable('messages')
      .set({ record, change_seq: seq })
      .where('account_id', '=', target.accountId)
      .where('id', '=', target.messageId)
      .execute()
    await recordChange(trx, {
      accountId: target.accountId,
      extensionId: target.extensionId,
      messageId: target.messageId,
      type: row.type,
      direction: row.direction,
      kind: 'updated',
      seq,
      state: {
        availability: row.availability,
        readStatus: row.read_status,
        messageStatus: row.message_status,
      },
      at: target.now,
    })
  }
  const old = attachment.blob_key
  return { outcome: 'stored', releasedBlobKeys: old !== null && old !== blob.key ? [old] : [] }
}

/** Attachments of a mailbox's messages (not Purged) whose bytes are not kept yet, in id order after `after`. */
export async function attachmentsWithoutBytes(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  after: { messageId: number; attachmentId: number },
  limit: number,
): Promise<{ messageId: number; attachmentId: number }[]> {
  const rows = await db
    .selectFrom('attachments as a')
    .innerJoin('messages as m', (join) =>
      join.onRef('m.account_id', '=', 'a.account_id').onRef('m.id', '=', 'a.message_id'),
    )
    .select(['a.message_id', 'a.id'])
    .where('a.account_id', '=', mailbox.accountId)
    .where('m.extension_id', '=', mailbox.extensionId)
    .where('m.availability', '!=', 'Purged')
    .where('a.blob_key', 'is', null)
    .where((eb) =>
      eb.or([
        eb('a.message_id', '>', after.messageId),
        eb.and([eb('a.message_id', '=', after.messageId), eb('a.id', '>', after.attachmentId)]),
      ]),
    )
    .orderBy('a.message_id')
    .orderBy('a.id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ messageId: Number(r.message_id), attachmentId: Number(r.id) }))
}

export interface KeptAttachment {
  id: number
  fileName: string | null
  size: number
  hasBytes: boolean
}

/** The attachments of one message of the mailbox in record order; undefined when the mailbox has no such message. */
export async function keptAttachments(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  messageId: number,
): Promise<KeptAttachment[] | undefined> {
  const message = await db
    .selectFrom('messages')
    .select('id')
    .where('account_id', '=', mailbox.accountId)
    .where('id', '=', messageId)
    .where('extension_id', '=', mailbox.extensionId)
    .executeTakeFirst()
  if (!message) return undefined
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'file_name', 'size', 'blob_key'])
    .where('account_id', '=', mailbox.accountId)
    .where('message_id', '=', messageId)
    .orderBy('position')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    fileName: r.file_name,
    size: Number(r.size),
    hasBytes: r.blob_key !== null,
  }))
}
