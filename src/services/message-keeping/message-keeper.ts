import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { BlobStore, StoredBlob } from '../../blobs/blob-store.js'
import type { Clock } from '../../domain/clock.js'
import type { MailboxKey } from '../../domain/mailbox.js'
import {
  attachKeptBytes,
  attachmentsWithoutBytes,
  type KeptAttachment,
  type KeptBytesOutcome,
  keptAttachments,
} from '../../storage/repositories/kept-attachments.js'
import { keptMailbox } from '../../storage/repositories/kept-mailboxes.js'
import {
  advanceIdSequences,
  KeptIdTaken,
  type KeptOutcome,
  keptMessageIds,
  upsertKeptMessage,
} from '../../storage/repositories/kept-messages.js'
import { joinChangeGroup } from '../../storage/repositories/notification-outbox.js'
import type { DB } from '../../storage/schema.js'
import type { MessageChangesService } from '../message-changes.js'
import { type KeptMessage, RecordRejected, readKeptRecord } from './kept-record.js'

export { type KeptMessage, RecordRejected, readKeptRecord }

/** Why a record, its bytes or a mailbox cannot be kept: a message for the operator. */
export class KeepRefused extends Error {}

/** The extension a kept mailbox belongs to, as the source names it. */
export interface SourceExtension {
  /** The source's extension id: kept as the local id when the extension is created. */
  id: string
  /** Matched when the account has no extension of that id; the created extension's number. */
  extensionNumber?: string
  name?: string
}

export interface KeptMessageResult {
  id: number
  outcome: KeptOutcome
}

export type KeptBytesResult = 'stored' | 'unchanged' | 'unknown' | 'purged'

/** Bytes already in the blob store (storeBytes), for one attachment of a kept message. */
export interface StoredBytes {
  mailbox: MailboxKey
  messageId: number
  attachmentId: number
  blob: StoredBlob
}

/**
 * Keeps messages another RingCentral-compatible server recorded (an export's archives,
 * a mirrored account) in this store, as that server answered them: ids, attachment ids,
 * times, statuses and conversations unchanged. Writing the same record again changes
 * nothing; a record that differs (read status, availability, …) is a change like any
 * other: it takes the mailbox's next change number, so ISync and notifications report it.
 */
export class MessageKeeper {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    /** Frees the bytes a Purged or rewritten message no longer references (after commit). */
    private readonly changes: Pick<MessageChangesService, 'releaseBlobs'>,
  ) {}

  /**
   * The local mailbox of a source extension: the account's extension of the same id,
   * else of the same extension number, else a new extension with the source's id, its
   * number (or the id when the source names none) and name, type User, no password
   * (its messages are read with a JWT or by an administrator), and its mailbox.
   * Refuses when the account does not exist or the id or number is taken otherwise.
   */
  async ensureMailbox(
    accountId: string,
    source: SourceExtension,
  ): Promise<MailboxKey & { extensionNumber: string; created: boolean }> {
    const found = await keptMailbox(this.db, accountId, source, this.clock.now())
    if (found === 'no account')
      throw new KeepRefused(`account ${accountId} does not exist in this store (provision it first)`)
    if (found === 'id taken')
      throw new KeepRefused(`extension id ${source.id} belongs to another account of this store`)
    return found
  }

  /** Keeps one record (any JSON the API answers for a message); see keepMessages. */
  async keepMessage(mailbox: MailboxKey, record: unknown): Promise<KeptMessageResult> {
    const [result] = await this.keepMessages(mailbox, [record])
    if (result instanceof Error) throw result
    return result!
  }

  /**
   * Keeps records of one mailbox in one transaction (one durable commit), each in a
   * savepoint of its own: a record refused (RecordRejected, KeepRefused) answers its
   * error and leaves the others kept. Answers, per record, its id and outcome or error.
   */
  async keepMessages(mailbox: MailboxKey, records: unknown[]): Promise<(KeptMessageResult | KeepRefused)[]> {
    const now = this.clock.now()
    const target = { ...mailbox, now }
    const results: (KeptMessageResult | KeepRefused)[] = []
    const released: string[] = []
    let created = false
    const trx = await this.db.startTransaction().execute()
    try {
      for (const [i, record] of records.entries()) {
        let message: KeptMessage
        try {
          message = readKeptRecord(record)
        } catch (err) {
          if (!(err instanceof RecordRejected)) throw err
          results.push(new KeepRefused(`record ${i}: ${err.message}`))
          continue
        }
        const name = `keep${i}`
        const point = await trx.savepoint(name).execute()
        joinChangeGroup(trx, point)
        try {
          const kept = await upsertKeptMessage(point, target, { ...message, ...mailbox })
          await point.releaseSavepoint(name).execute()
          results.push({ id: message.id, outcome: kept.outcome })
          released.push(...kept.releasedBlobKeys)
          created ||= kept.outcome === 'created'
        } catch (err) {
          if (!(err instanceof KeptIdTaken)) throw err
          await point.rollbackToSavepoint(name).execute()
          results.push(new KeepRefused(err.message))
        }
      }
      await trx.commit().execute()
    } catch (err) {
      await trx.rollback().execute()
      throw err
    }
    if (created) await advanceIdSequences(this.db, mailbox.accountId)
    await this.changes.releaseBlobs(released)
    return results
  }

  /**
   * Stores the bytes of one attachment of a kept message from a stream (content-addressed:
   * the same bytes are stored once in the store) and points the attachment at them.
   * 'unchanged': it already had these bytes; 'unknown': the mailbox has no such message
   * or attachment (keep the record first); 'purged': the message is Purged here, so no
   * bytes are kept. A stream that fails rejects, and nothing is referenced.
   */
  async keepAttachmentBytes(
    mailbox: MailboxKey,
    messageId: number,
    attachmentId: number,
    bytes: Readable | Buffer,
  ): Promise<KeptBytesResult> {
    const blob = await this.storeBytes(bytes)
    const [outcome] = await this.attachStoredBytes([{ mailbox, messageId, attachmentId, blob }])
    return outcome!
  }

  /**
   * The first half of keepAttachmentBytes, for callers that store many attachments: the
   * bytes into the blob store (content-addressed). Attach them with attachStoredBytes soon
   * after: unreferenced bytes are freed once the blob grace period has passed.
   */
  storeBytes(bytes: Readable | Buffer): Promise<StoredBlob> {
    return this.blobs.put(bytes)
  }

  /**
   * The second half: points each attachment at its stored bytes, all in one transaction
   * (one durable commit for many attachments). Answers each item's outcome, in order.
   */
  async attachStoredBytes(items: StoredBytes[]): Promise<KeptBytesResult[]> {
    // Mailbox by mailbox, messages in id order: the order every writer takes its locks in.
    const order = items
      .map((item, i) => ({ item, i }))
      .sort(
        (a, b) =>
          a.item.mailbox.accountId.localeCompare(b.item.mailbox.accountId) ||
          a.item.mailbox.extensionId.localeCompare(b.item.mailbox.extensionId) ||
          a.item.messageId - b.item.messageId,
      )
    let outcomes: KeptBytesOutcome[]
    try {
      outcomes = await this.db.transaction().execute(async (trx) => {
        const now = this.clock.now()
        const answered: KeptBytesOutcome[] = new Array(items.length)
        for (const { item, i } of order) {
          const target = {
            ...item.mailbox,
            messageId: item.messageId,
            attachmentId: item.attachmentId,
            now,
          }
          answered[i] = await attachKeptBytes(trx, target, item.blob)
        }
        return answered
      })
    } catch (err) {
      await this.changes.releaseBlobs(items.map((item) => item.blob.key))
      throw err
    }
    const released: string[] = []
    for (const [i, result] of outcomes.entries()) {
      if (result.outcome === 'stored' || result.outcome === 'unchanged')
        released.push(...result.releasedBlobKeys)
      // Unreferenced bytes: freed once the grace period for bytes about to be referenced has passed.
      else released.push(items[i]!.blob.key)
    }
    await this.changes.releaseBlobs(released)
    return outcomes.map((o) => o.outcome)
  }

  /** Which of `ids` the mailbox holds already (in any state). */
  keptIds(mailbox: MailboxKey, ids: number[]): Promise<Set<number>> {
    return keptMessageIds(this.db, mailbox, ids)
  }

  /** The attachments of a kept message (id, file name, size, whether its bytes are kept); undefined: no such message. */
  attachmentsOf(mailbox: MailboxKey, messageId: number): Promise<KeptAttachment[] | undefined> {
    return keptAttachments(this.db, mailbox, messageId)
  }

  /**
   * Attachments of the mailbox (messages not Purged) that have no bytes yet, in
   * (messageId, attachmentId) order after `after`, at most `limit`: what is left to download.
   */
  attachmentsWithoutBytes(
    mailbox: MailboxKey,
    after = { messageId: 0, attachmentId: 0 },
    limit = 1000,
  ): Promise<{ messageId: number; attachmentId: number }[]> {
    return attachmentsWithoutBytes(this.db, mailbox, after, limit)
  }
}

/** The keeper of a composed store (app/services.ts). */
export function messageKeeperOf(services: {
  db: Kysely<DB>
  blobs: BlobStore
  clock: Clock
  messageChanges: Pick<MessageChangesService, 'releaseBlobs'>
}): MessageKeeper {
  return new MessageKeeper(services.db, services.blobs, services.clock, services.messageChanges)
}
