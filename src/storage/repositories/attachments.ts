import type { Kysely } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { DB } from '../schema.js'

export interface AttachmentContentRow {
  contentType: string
  fileName: string | null
  size: number
  /** Null once the message is Purged: the bytes are gone. */
  blobKey: string | null
  availability: string
}

/**
 * One attachment of one message of one mailbox: `message` is false when the mailbox
 * has no such message, `attachment` undefined when the message has no such attachment.
 */
export async function findAttachment(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  messageId: number,
  attachmentId: number,
): Promise<{ message: boolean; attachment?: AttachmentContentRow }> {
  const message = await db
    .selectFrom('messages')
    .select('availability')
    .where('account_id', '=', mailbox.accountId)
    .where('id', '=', messageId)
    .where('extension_id', '=', mailbox.extensionId)
    .executeTakeFirst()
  if (!message) return { message: false }
  const row = await db
    .selectFrom('attachments')
    .select(['content_type', 'file_name', 'size', 'blob_key'])
    .where('account_id', '=', mailbox.accountId)
    .where('id', '=', attachmentId)
    .where('message_id', '=', messageId)
    .executeTakeFirst()
  if (!row) return { message: true }
  return {
    message: true,
    attachment: {
      contentType: row.content_type,
      fileName: row.file_name,
      size: Number(row.size),
      blobKey: row.blob_key,
      availability: message.availability,
    },
  }
}
