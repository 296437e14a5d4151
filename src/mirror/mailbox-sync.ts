import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { MirrorStateRepository } from '../storage/repositories/mirror-state.js'
import type { LocalMailbox, MirrorKeeper, SourceExtension, SourceRecord, StoredContent } from './keeper.js'
import { eachLimited } from './pool.js'
import { type SourceClient, SourceError } from './source.js'

/** Where an FSync's frame starts: before any message, so the first pass copies the whole mailbox. */
export const FULL_FRAME_FROM = '1970-01-01T00:00:00.000Z'

export interface MailboxSyncOptions {
  accountId: string
  /** A message deleted on the source stays as it is here (Alive), instead of becoming Deleted. */
  keepDeleted: boolean
  /** Records asked for per answer of a full copy (the FSync's recordCount, then as many more per ISync). */
  syncRecords: number
  /** Attachments of one mailbox downloaded at once. */
  downloads: number
  now: () => number
}

export interface MailboxSyncResult {
  syncType: 'FSync' | 'ISync'
  /** Records that changed the store (new, or changed on the source). */
  messages: number
  attachments: number
}

/** What a mailbox sync has kept so far. */
interface KeptSoFar {
  /** Records that changed the store. */
  messages: number
  /** The creation time (ms) of the oldest record the sync answered. */
  oldest?: number
}

interface SyncAnswer {
  records: SourceRecord[]
  syncInfo: { syncType: 'FSync' | 'ISync'; syncToken: string; olderRecordsExist?: boolean }
}

/**
 * One pass over one mailbox: an ISync from the stored token, or an FSync when there is
 * none or the source refuses it (expired, or from a reset store). Every record is kept,
 * then every attachment not yet here is downloaded, and only then the new token is
 * stored: a pass cut short (crash, kill -9) is repeated from the old token, and keeping
 * a record twice changes nothing.
 *
 * What the sync answers as gone is not a full record: a `Deleted` one is read again by
 * id and kept as Deleted; with `keepDeleted` a copy already here stays as it is, and one
 * not here yet is kept Alive, so the option never keeps less than the mirror without it.
 * A `Purged` one (the source's retention, or its purge of what was Deleted) changes
 * nothing here, so the local copy outlives it.
 */
export class MailboxSync {
  constructor(
    private readonly source: SourceClient,
    private readonly keeper: MirrorKeeper,
    private readonly state: MirrorStateRepository,
    private readonly options: MailboxSyncOptions,
  ) {}

  async run(extension: SourceExtension): Promise<MailboxSyncResult> {
    const key = { accountId: this.options.accountId, extensionId: extension.id }
    const stored = await this.state.get(key)
    const local = await this.keeper.ensureMailbox(this.options.accountId, extension)
    const kept: KeptSoFar = { messages: 0 }
    let answer = await this.sync(extension, stored?.sync_token ?? null, key)
    const syncType = answer.syncInfo.syncType
    await this.keep(extension, local, key, answer.records, kept)
    // An answer that left older messages out (olderRecordsExist: the FSync asked for
    // `syncRecords`, or the source caps its answers): the frame is widened, an ISync
    // with a larger recordCount at a time, until it holds the whole mailbox. So the
    // token covers every message, and later ISyncs report changes to the oldest too.
    let covered = answer.records.length
    while (answer.syncInfo.olderRecordsExist) {
      const wider = await this.widen(extension, answer.syncInfo.syncToken, covered + this.options.syncRecords)
      await this.keep(extension, local, key, wider.records, kept)
      if (wider.records.length === 0 && wider.syncInfo.olderRecordsExist) {
        // A source that does not widen on recordCount: the older messages are read
        // from the list instead (their later changes reach here with the next full copy).
        // Up to a millisecond past the oldest, so its neighbours of the same time are not
        // left out (those read twice change nothing).
        const dateTo = kept.oldest === undefined ? undefined : new Date(kept.oldest + 1).toISOString()
        await this.listFolder(extension, 'Alive', dateTo, (page) =>
          this.keep(extension, local, key, page, kept),
        )
        answer = { ...wider, syncInfo: { ...wider.syncInfo, olderRecordsExist: false } }
        break
      }
      covered += wider.records.length
      answer = wider
    }
    // An FSync answers Alive messages only; the Deleted folder is read from the list.
    if (syncType === 'FSync')
      await this.listFolder(extension, 'Deleted', undefined, (page) =>
        this.keep(extension, local, key, page, kept),
      )
    const attachments = await this.downloadMissing(extension, local)
    await this.state.synced(key, {
      syncToken: answer.syncInfo.syncToken,
      full: syncType === 'FSync',
      messages: kept.messages,
      attachments,
      at: this.options.now(),
    })
    return { syncType, messages: kept.messages, attachments }
  }

  /** Keeps what one answer named, a batch (one transaction) at a time. */
  private async keep(
    extension: SourceExtension,
    local: LocalMailbox,
    key: { accountId: string; extensionId: string },
    listed: SourceRecord[],
    kept: KeptSoFar,
  ): Promise<void> {
    for (const one of listed) {
      const created = typeof one.creationTime === 'string' ? Date.parse(one.creationTime) : Number.NaN
      if (created < (kept.oldest ?? Number.POSITIVE_INFINITY)) kept.oldest = created
    }
    for (let i = 0; i < listed.length; i += KEEP_BATCH) {
      const batch = listed.slice(i, i + KEEP_BATCH)
      const keptHere = await this.deletedKeptHere(local, batch)
      const records: SourceRecord[] = []
      for (const one of batch) {
        const record = await this.fullRecord(extension, one, keptHere)
        if (record) records.push(record)
      }
      const result = await this.keeper.keepRecords(local, records)
      kept.messages += result.changed
      // A record this store cannot keep is reported, not retried forever: the rest goes on.
      for (const why of result.refused)
        await this.state.failed(key, `record refused: ${why}`, this.options.now())
    }
  }

  private async sync(
    extension: SourceExtension,
    token: string | null,
    key: { accountId: string; extensionId: string },
  ): Promise<SyncAnswer> {
    if (token) {
      try {
        return await this.source.getJson<SyncAnswer>('message-sync', syncPath(extension), {
          syncType: 'ISync',
          syncToken: token,
        })
      } catch (e) {
        // Expired, from the source's past, or a full sync required: start again.
        if (!(e instanceof SourceError && e.status === 400)) throw e
        await this.state.dropToken(key)
      }
    }
    return this.source.getJson<SyncAnswer>('message-sync', syncPath(extension), {
      syncType: 'FSync',
      dateFrom: FULL_FRAME_FROM,
      recordCount: this.options.syncRecords,
    })
  }

  /** An ISync that widens the token's frame down to its `recordCount`th newest message. */
  private widen(extension: SourceExtension, token: string, recordCount: number): Promise<SyncAnswer> {
    return this.source.getJson<SyncAnswer>('message-sync', syncPath(extension), {
      syncType: 'ISync',
      syncToken: token,
      recordCount,
    })
  }

  /**
   * Every message of one availability (created before `dateTo`, when given), page by
   * page, handed to `each` as full records.
   */
  private async listFolder(
    extension: SourceExtension,
    availability: 'Alive' | 'Deleted',
    dateTo: string | undefined,
    each: (records: SourceRecord[]) => Promise<void>,
  ): Promise<void> {
    for (let page = 1; ; page += 1) {
      const answer = await this.source.getJson<ListPage>(
        'message-list',
        `/restapi/v1.0/account/~/extension/${extension.id}/message-store`,
        {
          availability,
          dateFrom: FULL_FRAME_FROM,
          ...(dateTo ? { dateTo } : {}),
          perPage: LIST_PAGE,
          page,
        },
      )
      const records = answer.records ?? []
      await each(records)
      const totalPages = answer.paging?.totalPages
      const more =
        answer.navigation?.nextPage !== undefined || (totalPages !== undefined && page < totalPages)
      if (!more || records.length === 0) return
    }
  }

  /** With `keepDeleted`: which of the batch's Deleted messages are kept here already (those stay as they are). */
  private async deletedKeptHere(local: LocalMailbox, batch: SourceRecord[]): Promise<Set<number>> {
    if (!this.options.keepDeleted) return new Set()
    const ids = batch.filter((one) => one.availability === 'Deleted').map((one) => Number(one.id))
    return this.keeper.keptIds(local, ids)
  }

  /** The record to keep for what the sync answered, or nothing when the local copy stays as it is. */
  private async fullRecord(
    extension: SourceExtension,
    listed: SourceRecord,
    keptHere: Set<number>,
  ): Promise<SourceRecord | undefined> {
    const availability = listed.availability ?? 'Alive'
    if (availability === 'Alive') return listed
    if (availability !== 'Deleted') return undefined
    if (this.options.keepDeleted && keptHere.has(Number(listed.id))) return undefined
    const record = await this.deletedRecord(extension, listed)
    // Deletes are not mirrored: a message first seen Deleted is kept as it was before.
    return record && this.options.keepDeleted ? { ...record, availability: 'Alive' } : record
  }

  private async deletedRecord(
    extension: SourceExtension,
    listed: SourceRecord,
  ): Promise<SourceRecord | undefined> {
    // A full record already (the Deleted folder's list): no need to read it again.
    if (listed.type !== undefined) return listed
    try {
      return await this.source.getJson<SourceRecord>(
        'message',
        `/restapi/v1.0/account/~/extension/${extension.id}/message-store/${listed.id}`,
      )
    } catch (e) {
      // Purged or removed since the sync answered: nothing left to mirror.
      if (e instanceof SourceError && e.status === 404) return undefined
      throw e
    }
  }

  /**
   * Downloads the bytes of every attachment kept here without them: those of this sync,
   * and those a pass cut short left behind. Each is downloaded once. The bytes of a batch
   * are stored as they come (a few downloads at once) and pointed at in one transaction
   * per batch, not one per attachment: bytes stored but never pointed at (a crash in
   * between) are freed after the blob grace period and downloaded again.
   */
  private async downloadMissing(extension: SourceExtension, local: LocalMailbox): Promise<number> {
    let downloaded = 0
    let after = { messageId: 0, attachmentId: 0 }
    for (;;) {
      const missing = await this.keeper.missingContent(local, after, DOWNLOAD_BATCH)
      if (missing.length === 0) return downloaded
      const stored: StoredContent[] = []
      try {
        await eachLimited(missing, this.options.downloads, async ({ messageId, attachmentId }) => {
          const uri = `/restapi/v1.0/account/~/extension/${extension.id}/message-store/${messageId}/content/${attachmentId}`
          try {
            const { blob } = await this.source.download('content', uri, async (res) => {
              if (!res.body) throw new Error(`no body for ${uri}`)
              // The SDK answers with whatever fetch its platform has: a Node stream or a web one.
              const raw: unknown = res.body
              const body =
                raw instanceof Readable ? raw : Readable.fromWeb(raw as WebReadableStream<Uint8Array>)
              return this.keeper.storeContent(body)
            })
            stored.push({ messageId, attachmentId, blob })
          } catch (e) {
            // Gone from the source (purged or removed before its bytes came): there is nothing to fetch.
            if (e instanceof SourceError && e.status === 404) return
            throw e
          }
        })
      } finally {
        // What came is kept even when another download of the batch failed.
        if (stored.length > 0) await this.keeper.attachContent(local, stored)
      }
      downloaded += stored.length
      after = missing[missing.length - 1]!
    }
  }
}

const syncPath = (extension: SourceExtension) =>
  `/restapi/v1.0/account/~/extension/${extension.id}/message-sync`

/** Records kept per transaction. */
const KEEP_BATCH = 500
/** Attachments without bytes read per query, and pointed at their bytes per transaction. */
const DOWNLOAD_BATCH = 200
/** Records per page of the message list. */
const LIST_PAGE = 1000

interface ListPage {
  records?: SourceRecord[]
  paging?: { totalPages?: number }
  navigation?: { nextPage?: unknown }
}
