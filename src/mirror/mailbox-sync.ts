import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { MirrorStateRepository } from '../storage/repositories/mirror-state.js'
import type { MirrorKeeper, SourceExtension, SourceRecord } from './keeper.js'
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
    let messages = 0
    const withContent: SourceRecord[] = []
    for (const listed of answer.records) {
      const record = await this.fullRecord(extension, listed)
      if (!record) continue
      if (await this.keeper.keepRecord(this.options.accountId, extension, record)) messages += 1
      if (record.attachments?.length) withContent.push(record)
    }
    const attachments = await this.downloadMissing(withContent)
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

  /** The record to keep for what the sync answered, or nothing when the local copy stays as it is. */
  private async fullRecord(
    extension: SourceExtension,
    listed: SourceRecord,
  ): Promise<SourceRecord | undefined> {
    const availability = listed.availability ?? 'Alive'
    if (availability === 'Alive') return listed
    if (availability !== 'Deleted' || this.options.keepDeleted) return undefined
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

  private async downloadMissing(records: SourceRecord[]): Promise<number> {
    const missing: { messageId: number; attachmentId: number; uri: string }[] = []
    for (const record of records) {
      for (const attachment of record.attachments ?? []) {
        const messageId = Number(record.id)
        const attachmentId = Number(attachment.id)
        if (!(await this.keeper.hasContent(this.options.accountId, messageId, attachmentId)))
          missing.push({ messageId, attachmentId, uri: attachment.uri })
      }
    }
    await eachLimited(missing, this.options.downloads, async ({ messageId, attachmentId, uri }) => {
      await this.source.download('content', uri, async (res) => {
        if (!res.body) throw new Error(`no body for ${uri}`)
        const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
        await this.keeper.keepContent(this.options.accountId, messageId, attachmentId, body)
      })
    })
    return missing.length
  }
}
