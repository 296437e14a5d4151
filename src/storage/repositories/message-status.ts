import type { Kysely, Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { AttachmentType, Message } from '../../domain/message/model.js'
import { renderRecord } from '../../domain/message/record.js'
import type { DB } from '../schema.js'
import { type ChangeTarget, lockMessage, toMessage } from './message-changes.js'
import { type AttachmentDraft, nextChangeSeq } from './messages.js'
import { recordChange } from './notification-outbox.js'

/**
 * The delivery side of a message: status changes made by delivery steps. Like the
 * read-status and life-cycle changes of message-changes.ts (whose row mapping and
 * locking order it shares), every change is a read-modify-write of one message in
 * the caller's transaction that takes the mailbox's next `change_seq`, the clock's
 * time as `lastModifiedTime`, and re-renders the stored record.
 */

/** The message a delivery step changes: the same as a read-status or life-cycle change's. */
export type StatusTarget = ChangeTarget

/**
 * Reads one message, lets `change` edit it, and writes back what a delivery step may
 * change: `messageStatus`, the recipients (their own states) and the extra fields.
 * Undefined when the message is gone from the mailbox.
 */
export async function changeDelivery(
  trx: Transaction<DB>,
  target: StatusTarget,
  change: (message: Message) => void,
  now: number,
): Promise<Message | undefined> {
  const row = await lockMessage(trx, target)
  if (!row) return undefined
  const attachments = await trx
    .selectFrom('attachments')
    .select(['id', 'type', 'content_type', 'file_name', 'size', 'extra'])
    .where('account_id', '=', target.accountId)
    .where('message_id', '=', row.id)
    .orderBy('position')
    .orderBy('id')
    .execute()
  const message = toMessage(row, attachments)
  change(message)
  message.lastModifiedTime = now
  const seq = await nextChangeSeq(trx, target)
  await trx
    .updateTable('messages')
    .set({
      message_status: message.messageStatus,
      to_parties: JSON.stringify(message.to),
      extra: JSON.stringify(message.extra),
      last_modified_time: now,
      change_seq: seq,
      record: renderRecord(message),
    })
    .where('account_id', '=', target.accountId)
    .where('id', '=', row.id)
    .execute()
  await recordChange(trx, {
    accountId: target.accountId,
    extensionId: target.extensionId,
    messageId: Number(row.id),
    type: row.type,
    direction: row.direction,
    kind: 'updated',
    seq,
    state: {
      availability: message.availability,
      readStatus: message.readStatus,
      messageStatus: message.messageStatus,
    },
    at: now,
  })
  return message
}

/**
 * Locks the mailboxes a send writes to, in one order (by extension id), before it
 * writes to any: two sends between the same extensions in opposite directions then
 * wait for each other instead of deadlocking. Only where the database has row locks.
 */
export async function lockMailboxes(
  trx: Transaction<DB>,
  accountId: string,
  extensionIds: string[],
): Promise<void> {
  const ids = [...new Set(extensionIds)].sort()
  if (ids.length === 0) return
  await trx
    .selectFrom('mailboxes')
    .select('extension_id')
    .where('account_id', '=', accountId)
    .where('extension_id', 'in', ids)
    .orderBy('extension_id')
    .forUpdate()
    .execute()
}

/**
 * A stored message's attachments as drafts for another copy of it (the recipients of
 * a scheduled fax): the copies share the blobs. Attachments whose bytes are gone
 * (purged) are left out.
 */
export async function attachmentDraftsOf(
  db: Kysely<DB>,
  accountId: string,
  messageId: number,
): Promise<AttachmentDraft[]> {
  const rows = await db
    .selectFrom('attachments')
    .select(['type', 'content_type', 'file_name', 'size', 'blob_key', 'extra'])
    .where('account_id', '=', accountId)
    .where('message_id', '=', messageId)
    .orderBy('position')
    .orderBy('id')
    .execute()
  return rows
    .filter((r): r is typeof r & { blob_key: string } => r.blob_key !== null)
    .map((r) => ({
      type: r.type as AttachmentType,
      contentType: r.content_type,
      fileName: r.file_name ?? undefined,
      size: Number(r.size),
      blobKey: r.blob_key,
      ...JSON.parse(r.extra),
    }))
}

/** A message as stored, without changing it (the scheduled fax a dispatch job sends). */
export async function loadMessage(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  messageId: number,
): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', mailbox.accountId)
    .where('id', '=', messageId)
    .where('extension_id', '=', mailbox.extensionId)
    .executeTakeFirst()
  return row ? toMessage(row, []) : undefined
}
