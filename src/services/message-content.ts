import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import { errors } from '../domain/errors.js'
import type { MailboxKey } from '../domain/mailbox.js'
import { findAttachment } from '../storage/repositories/attachments.js'
import type { DB } from '../storage/schema.js'

const ID = /^\d{1,16}$/

export interface AttachmentContent {
  contentType: string
  size: number
  fileName?: string
  /** The blob key: a SHA-256 of the bytes, so a strong validator for ETag. */
  digest: string
  /** Streams the bytes, or the inclusive byte range. */
  open(range?: { start: number; end: number }): Promise<Readable>
}

/** The bytes of message attachments (readMessageContent). */
export class MessageContentService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly blobs: BlobStore,
  ) {}

  /** The attachment's content; 404 CMN-102 when unknown or Purged (its bytes are gone). */
  async find(mailbox: MailboxKey, messageId: string, attachmentId: string): Promise<AttachmentContent> {
    if (!ID.test(messageId)) throw errors.notFound('messageId')
    if (!ID.test(attachmentId)) throw errors.notFound('attachmentId')
    const found = await findAttachment(this.db, mailbox, Number(messageId), Number(attachmentId))
    if (!found.message) throw errors.notFound('messageId')
    const a = found.attachment
    if (!a || a.blobKey === null || a.availability === 'Purged') throw errors.notFound('attachmentId')
    const key = a.blobKey
    return {
      contentType: a.contentType,
      size: a.size,
      fileName: a.fileName ?? undefined,
      digest: key,
      open: async (range) => {
        try {
          return await this.blobs.get(key, range)
        } catch {
          // Purged between the lookup and the read: the bytes are gone.
          throw errors.notFound('attachmentId')
        }
      },
    }
  }
}
