import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import type { Clock } from '../domain/clock.js'
import { ApiError, errors } from '../domain/errors.js'
import type { MailboxKey } from '../domain/mailbox.js'
import { deletableByFilter, type MessageChange, type MessageUpdate } from '../domain/message/lifecycle.js'
import type { MessageType } from '../domain/message/model.js'
import { enqueue } from '../jobs/job.js'
import {
  type ChangeOutcome,
  changeMessage,
  idsMatching,
  isBlobReferenced,
} from '../storage/repositories/message-changes.js'
import { joinChangeGroup } from '../storage/repositories/notification-outbox.js'
import type { DB } from '../storage/schema.js'
import { BLOB_RELEASE } from './blob-release.js'

/**
 * How long (store clock) a blob stays after its last write even when nothing references
 * it: the bytes of a message are stored before the transaction that references them,
 * which commits well within this time.
 */
export const BLOB_GRACE_MS = 10 * 60_000

/** Messages a delete by filter changes per transaction: short transactions, few commits. */
const FILTER_CHUNK = 200

export interface DeleteByFilterRequest {
  /** Exclusive upper bound of `creationTime`. */
  dateTo: number
  conversationIds?: number[]
  /** Undefined: every type. */
  types?: MessageType[]
  purge: boolean
}

/**
 * The write side of a mailbox. Every change of one message is one transaction of its
 * own (a bulk request is not atomic, as RingCentral documents); it takes a new number
 * in the mailbox's change sequence, the store clock's time as `lastModifiedTime`, and
 * re-renders the stored record. Purging frees attachment bytes that nothing else uses.
 */
export class MessageChangesService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
  ) {}

  /** PUT / PATCH of one message; answers its record. */
  async update(mailbox: MailboxKey, messageId: number, update: MessageUpdate): Promise<Buffer> {
    return this.changeOne(mailbox, messageId, { kind: 'update', ...update })
  }

  /** DELETE of one message (one step of the life cycle, or straight to Purged); answers its record. */
  async delete(mailbox: MailboxKey, messageId: number, purge: boolean): Promise<Buffer> {
    return this.changeOne(mailbox, messageId, { kind: 'delete', purge })
  }

  /** Deletes (or purges) every matching message of the mailbox; answers how many changed. */
  async deleteByFilter(mailbox: MailboxKey, req: DeleteByFilterRequest): Promise<number> {
    const filter = {
      accountId: mailbox.accountId,
      extensionId: mailbox.extensionId,
      dateTo: req.dateTo,
      conversationIds: req.conversationIds,
      types: req.types,
      availability: deletableByFilter(req.purge),
    }
    const change: MessageChange = { kind: 'deleteByFilter', purge: req.purge }
    let changed = 0
    let afterId = 0
    for (;;) {
      const ids = await idsMatching(this.db, filter, afterId, FILTER_CHUNK)
      if (ids.length === 0) break
      afterId = ids[ids.length - 1]!
      const released = await this.db.transaction().execute(async (trx) => {
        const keys: string[] = []
        for (const id of ids) {
          const outcome = await changeMessage(trx, this.target(mailbox, id), change, () => this.clock.now())
          if (outcome?.changed) changed++
          if (outcome) keys.push(...outcome.releasedBlobKeys)
        }
        return keys
      })
      await this.releaseBlobs(released)
      if (ids.length < FILTER_CHUNK) break
    }
    return changed
  }

  /**
   * The items of a bulk request in one transaction, each in a savepoint of its own:
   * an item that fails is rolled back alone and answers its error, the others stand
   * (a bulk request is not atomic, as RingCentral documents), and the whole bulk costs
   * one durable commit instead of one per item. Answers, per item, its record or error.
   */
  async changeMany(
    mailbox: MailboxKey,
    items: { messageId: number; change: MessageChange }[],
  ): Promise<(Buffer | ApiError)[]> {
    const results: (Buffer | ApiError)[] = []
    const released: string[] = []
    const trx = await this.db.startTransaction().execute()
    try {
      for (const [i, item] of items.entries()) {
        const name = `item${i}`
        const point = await trx.savepoint(name).execute()
        joinChangeGroup(trx, point)
        try {
          const outcome = await changeMessage(point, this.target(mailbox, item.messageId), item.change, () =>
            this.clock.now(),
          )
          if (!outcome) throw errors.notFound('messageId')
          await point.releaseSavepoint(name).execute()
          results.push(outcome.record)
          released.push(...outcome.releasedBlobKeys)
        } catch (err) {
          if (!(err instanceof ApiError)) throw err
          await point.rollbackToSavepoint(name).execute()
          results.push(err)
        }
      }
      await trx.commit().execute()
    } catch (err) {
      await trx.rollback().execute()
      throw err
    }
    await this.releaseBlobs(released)
    return results
  }

  private async changeOne(mailbox: MailboxKey, messageId: number, change: MessageChange): Promise<Buffer> {
    const outcome: ChangeOutcome | undefined = await this.db
      .transaction()
      .execute((trx) => changeMessage(trx, this.target(mailbox, messageId), change, () => this.clock.now()))
    if (!outcome) throw errors.notFound('messageId')
    await this.releaseBlobs(outcome.releasedBlobKeys)
    return outcome.record
  }

  private target(mailbox: MailboxKey, messageId: number) {
    return {
      accountId: mailbox.accountId,
      extensionId: mailbox.extensionId,
      messageId,
    }
  }

  /**
   * Deletes the blobs of purged attachments that no attachment row references any more
   * (one inbound message shares its bytes between the copies in several mailboxes).
   * Runs after the purge committed, so whichever purge of a shared blob commits last
   * sees no reference left and frees it. A failure here leaves an unreferenced blob
   * behind, never a reference to a missing one, so it does not fail the request.
   */
  async releaseBlobs(keys: string[]): Promise<void> {
    for (const key of new Set(keys)) {
      try {
        let retryAt: number | undefined
        await this.blobs.deleteIf(key, async (writtenAt, trx) => {
          // Bytes are stored before the transaction that references them commits: a blob
          // written lately may be about to be referenced. It is looked at again later.
          if (writtenAt > this.clock.now() - BLOB_GRACE_MS) {
            // Whole milliseconds: a file's modification time has a fraction, a job's time may not.
            retryAt = Math.ceil(writtenAt + BLOB_GRACE_MS)
            return false
          }
          return !(await isBlobReferenced(trx ?? this.db, key))
        })
        if (retryAt !== undefined) await enqueue(this.db, BLOB_RELEASE, { keys: [key] }, retryAt)
      } catch {
        // Left for a later clean-up: the message is already Purged.
      }
    }
  }
}
