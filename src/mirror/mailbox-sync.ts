import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { MirrorStateRepository } from '../storage/repositories/mirror-state.js'
import type { LocalMailbox, MirrorKeeper, SourceExtension, SourceRecord } from './keeper.js'
import { eachLimited } from './pool.js'
import { type SourceClient, SourceError } from './source.js'

/** Where an FSync's frame starts: before any message, so the first pass copies the whole mailbox. */
export const FULL_FRAME_FROM = '1970-01-01T00:00:00.000Z'

export interface MailboxSyncOptions {
  accountId: string
  /** A message deleted on the source stays as it is here (Alive), instead of becoming Deleted. */
  keepDeleted: boolean
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

interface SyncAnswer {
  records: SourceRecord[]
  syncInfo: { syncType: 'FSync' | 'ISync'; syncToken: string }
}

/**
 * One pass over one mailbox: an ISync from the stored token, or an FSync when there is
 * none or the source refuses it (expired, or from a reset store). Every record is kept,
 * then every attachment not yet here is downloaded, and only then the new token is
 * stored: a pass cut short (crash, kill -9) is repeated from the old token, and keeping
 * a record twice changes nothing.
 *
 * What the sync answers as gone is not a full record: a `Deleted` one is read again by
 * id and kept as Deleted (unless `keepDeleted`); a `Purged` one (the source's retention,
 * or its purge of what was Deleted) changes nothing here, so the local copy outlives it.
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
    const answer = await this.sync(extension, stored?.sync_token ?? null, key)
    // An FSync answers Alive messages only; the Deleted folder is read from the list,
    // unless deletes are not mirrored (--keep-deleted), when it would be read for nothing.
    const listedRecords =
      answer.syncInfo.syncType === 'FSync' && !this.options.keepDeleted
        ? [...answer.records, ...(await this.deletedFolder(extension))]
        : answer.records
    const records: SourceRecord[] = []
    for (const listed of listedRecords) {
      const record = await this.fullRecord(extension, listed)
      if (record) records.push(record)
    }
    const local = await this.keeper.ensureMailbox(this.options.accountId, extension)
    let messages = 0
    for (let i = 0; i < records.length; i += KEEP_BATCH) {
      const kept = await this.keeper.keepRecords(local, records.slice(i, i + KEEP_BATCH))
      messages += kept.changed
      // A record this store cannot keep is reported, not retried forever: the rest goes on.
      for (const why of kept.refused)
        await this.state.failed(key, `record refused: ${why}`, this.options.now())
    }
    const attachments = await this.downloadMissing(extension, local)
    await this.state.synced(key, {
      syncToken: answer.syncInfo.syncToken,
      full: answer.syncInfo.syncType === 'FSync',
      messages,
      attachments,
      at: this.options.now(),
    })
    return { syncType: answer.syncInfo.syncType, messages, attachments }
  }

  private async sync(
    extension: SourceExtension,
    token: string | null,
    key: { accountId: string; extensionId: string },
  ): Promise<SyncAnswer> {
    const path = `/restapi/v1.0/account/~/extension/${extension.id}/message-sync`
    if (token) {
      try {
        return await this.source.getJson<SyncAnswer>('message-sync', path, {
          syncType: 'ISync',
          syncToken: token,
        })
      } catch (e) {
        // Expired, from the source's past, or a full sync required: start again.
        if (!(e instanceof SourceError && e.status === 400)) throw e
        await this.state.dropToken(key)
      }
    }
    return this.source.getJson<SyncAnswer>('message-sync', path, {
      syncType: 'FSync',
      dateFrom: FULL_FRAME_FROM,
    })
  }

  /** Every Deleted message of the mailbox, page by page, as full records. */
  private async deletedFolder(extension: SourceExtension): Promise<SourceRecord[]> {
    const found: SourceRecord[] = []
    for (let page = 1; ; page += 1) {
      const answer = await this.source.getJson<ListPage>(
        'message-list',
        `/restapi/v1.0/account/~/extension/${extension.id}/message-store`,
        { availability: 'Deleted', dateFrom: FULL_FRAME_FROM, perPage: 1000, page },
      )
      const records = answer.records ?? []
      found.push(...records)
      const totalPages = answer.paging?.totalPages
      const more =
        answer.navigation?.nextPage !== undefined || (totalPages !== undefined && page < totalPages)
      if (!more || records.length === 0) return found
    }
  }

  /** The record to keep for what the sync answered, or nothing when the local copy stays as it is. */
  private async fullRecord(
    extension: SourceExtension,
    listed: SourceRecord,
  ): Promise<SourceRecord | undefined> {
    const availability = listed.availability ?? 'Alive'
    if (availability === 'Alive') return listed
    if (availability !== 'Deleted' || this.options.keepDeleted) return undefined
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
   * and those a pass cut short left behind. Each is downloaded once.
   */
  private async downloadMissing(extension: SourceExtension, local: LocalMailbox): Promise<number> {
    let downloaded = 0
    let after = { messageId: 0, attachmentId: 0 }
    for (;;) {
      const missing = await this.keeper.missingContent(local, after, DOWNLOAD_BATCH)
      if (missing.length === 0) return downloaded
      await eachLimited(missing, this.options.downloads, async ({ messageId, attachmentId }) => {
        const uri = `/restapi/v1.0/account/~/extension/${extension.id}/message-store/${messageId}/content/${attachmentId}`
        try {
          await this.source.download('content', uri, async (res) => {
            if (!res.body) throw new Error(`no body for ${uri}`)
            // The SDK answers with whatever fetch its platform has: a Node stream or a web one.
            const raw: unknown = res.body
            const body =
              raw instanceof Readable ? raw : Readable.fromWeb(raw as WebReadableStream<Uint8Array>)
            await this.keeper.keepContent(local, messageId, attachmentId, body)
          })
        } catch (e) {
          // Gone from the source (purged or removed before its bytes came): there is nothing to fetch.
          if (e instanceof SourceError && e.status === 404) return
          throw e
        }
        downloaded += 1
      })
      after = missing[missing.length - 1]!
    }
  }
}

/** Records kept per transaction. */
const KEEP_BATCH = 500
/** Attachments without bytes read per query. */
const DOWNLOAD_BATCH = 500

interface ListPage {
  records?: SourceRecord[]
  paging?: { totalPages?: number }
  navigation?: { nextPage?: unknown }
}
