import { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import { pushWithBaseUrl } from '../domain/message/record.js'
import {
  type AttachmentRow,
  accountMailboxes,
  attachmentsPage,
  EXPORTED_AVAILABILITIES,
  type ExportScope,
  type RecordRow,
  recordsPage,
} from '../storage/repositories/export-reads.js'
import type { DB } from '../storage/schema.js'
import { storedEntryBound, zipEndBound } from './yazl-internals.js'
import type { ZipArchive, ZipEntry } from './zip.js'

/**
 * The archives of a message store report, as entries pulled while the archive is
 * written: the report task's job (services/exports.ts) and `msgstore export`
 * (cli/export.ts) both use these.
 *
 * Archive 0 holds one `account/<a>/extension/<e>/message-store.json` per mailbox with
 * messages in the range: `{"records":[…]}`, the records exactly as listMessages
 * answers them (the stored pre-rendered records, base URL filled in), oldest first.
 * Archives 1 and on hold the attachments' bytes under
 * `account/<a>/extension/<e>/message-store/content/<messageId>/<file>`.
 *
 * Memory stays flat: records come from the database a page at a time (keyset pages,
 * never OFFSET), attachments are planned and written a page at a time in attachment id
 * order, each attachment is read from the blob store when its turn comes (small ones
 * into memory the archive reuses), and the zip is written as its entries are pulled,
 * to a file or as a stream to the blob store (zip.ts).
 */

/**
 * Records read and written at a time. A page's rows (and the pieces of its chunk) live
 * until the page is written: pages of 500 lived through young-generation collections and
 * were promoted, and the old generation grew by that garbage until a full collection.
 */
const RECORD_PAGE = 100
const ATTACHMENT_PAGE = 1000
/**
 * Most entries in one attachment archive: the zip library keeps a small object per
 * entry until the archive's central directory is written, so this bounds memory when
 * attachments are tiny (SMS texts), as `archiveMaxBytes` bounds the archive's size.
 */
export const MAX_ARCHIVE_ENTRIES = 5_000

export interface PlannedArchive {
  idx: number
  firstAttachmentId: number
  lastAttachmentId: number
  entries: number
  /** Attachment bytes it holds. */
  bytes: number
  /** Upper bound of the archive's size. */
  sizeBound: number
}

/** The name of the comment every archive carries: unique per task and archive number. */
export function archiveComment(label: string, idx: number): string {
  return `msgstore message store report ${label.replace(/[^\x20-\x7e]/g, '_')} archive ${idx}`
}

/**
 * Splits the attachments of `scope` into archives of at most `maxBytes` (an attachment
 * larger than that gets an archive of its own) and `maxEntries` entries, numbered from 1.
 * Reads metadata only, a page at a time.
 */
export async function planAttachmentArchives(
  db: Kysely<DB>,
  scope: ExportScope,
  maxBytes: number,
  label: string,
  maxEntries = MAX_ARCHIVE_ENTRIES,
): Promise<PlannedArchive[]> {
  const plans: PlannedArchive[] = []
  let current: PlannedArchive | undefined
  let after = 0
  for (;;) {
    const page = await attachmentsPage(db, scope, after, undefined, ATTACHMENT_PAGE)
    for (const a of page) {
      const bound = storedEntryBound(attachmentPath(scope.accountId, a), a.size)
      if (current && (current.sizeBound + bound > maxBytes || current.entries >= maxEntries)) {
        plans.push(current)
        current = undefined
      }
      if (!current) {
        const idx = plans.length + 1
        current = {
          idx,
          firstAttachmentId: a.id,
          lastAttachmentId: a.id,
          entries: 0,
          bytes: 0,
          sizeBound: zipEndBound(archiveComment(label, idx)),
        }
      }
      current.lastAttachmentId = a.id
      current.entries++
      current.bytes += a.size
      current.sizeBound += bound
    }
    if (page.length < ATTACHMENT_PAGE) break
    after = page[page.length - 1]!.id
  }
  if (current) plans.push(current)
  return plans
}

export interface MessagesProgress {
  /** Called with the number of records just written. */
  onRecords?(count: number): void
}

/** Archive 0: the message records of every mailbox of the account. */
export function messagesArchive(
  db: Kysely<DB>,
  scope: ExportScope,
  baseUrl: Buffer,
  opts: { label: string; mtime: Date } & MessagesProgress,
): ZipArchive {
  async function* entries(): AsyncGenerator<ZipEntry> {
    for (const extensionId of await accountMailboxes(db, scope.accountId)) {
      if (!(await hasRecords(db, scope, extensionId))) continue
      yield {
        name: `account/${scope.accountId}/extension/${extensionId}/message-store.json`,
        mtime: opts.mtime,
        deflate: true,
        // One page ahead at most (the default is 16): a page waiting its turn outlives a
        // young-generation collection or two and is then only freed by a full one.
        open: async () =>
          Readable.from(recordsJson(db, scope, extensionId, baseUrl, opts), { highWaterMark: 1 }),
      }
    }
  }
  return { entries: entries(), comment: archiveComment(opts.label, 0) }
}

async function hasRecords(db: Kysely<DB>, scope: ExportScope, extensionId: string): Promise<boolean> {
  for (const availability of EXPORTED_AVAILABILITIES) {
    if ((await recordsPage(db, scope, extensionId, availability, undefined, 1)).length) return true
  }
  return false
}

/** `{"records":[…]}` of one mailbox, a page of records per chunk. */
async function* recordsJson(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
  baseUrl: Buffer,
  progress: MessagesProgress,
): AsyncGenerator<Buffer> {
  yield Buffer.from('{"records":[')
  let first = true
  let parts: Buffer[] = []
  let length = 0
  let count = 0
  for await (const row of mergedRecords(db, scope, extensionId)) {
    if (!first) {
      parts.push(COMMA)
      length++
    }
    first = false
    length += pushWithBaseUrl(parts, row.record, baseUrl)
    if (++count === RECORD_PAGE) {
      yield Buffer.concat(parts, length)
      progress.onRecords?.(count)
      parts = []
      length = 0
      count = 0
    }
  }
  if (count) {
    yield Buffer.concat(parts, length)
    progress.onRecords?.(count)
  }
  yield Buffer.from(']}')
}

const COMMA = Buffer.from(',')

/**
 * A mailbox's exported records, oldest first: one keyset-paged walk per availability
 * (each a range of the list index), merged by `(creationTime, id)`.
 */
async function* mergedRecords(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
): AsyncGenerator<RecordRow> {
  const walks = EXPORTED_AVAILABILITIES.map((availability) =>
    recordWalk(db, scope, extensionId, availability),
  )
  const heads = await Promise.all(walks.map((w) => w.next()))
  for (;;) {
    let pick = -1
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!
      if (head.done) continue
      if (pick === -1) {
        pick = i
        continue
      }
      const best = heads[pick]!.value as RecordRow
      if (
        head.value.creationTime < best.creationTime ||
        (head.value.creationTime === best.creationTime && head.value.id < best.id)
      ) {
        pick = i
      }
    }
    if (pick === -1) return
    yield heads[pick]!.value as RecordRow
    heads[pick] = await walks[pick]!.next()
  }
}

async function* recordWalk(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
  availability: string,
): AsyncGenerator<RecordRow, void> {
  let after: { creationTime: number; id: number } | undefined
  for (;;) {
    const page = await recordsPage(db, scope, extensionId, availability, after, RECORD_PAGE)
    yield* page
    if (page.length < RECORD_PAGE) return
    const last = page[page.length - 1]!
    after = { creationTime: last.creationTime, id: last.id }
  }
}

export interface AttachmentsProgress {
  /** Called with the bytes of each attachment as it starts. */
  onAttachment?(bytes: number): void
}

export interface AttachmentsOptions extends AttachmentsProgress {
  label: string
}

/** Archive N: the attachments the plan assigns to it. */
export function attachmentsArchive(
  db: Kysely<DB>,
  blobs: BlobStore,
  scope: ExportScope,
  plan: { idx: number; firstAttachmentId: number; lastAttachmentId: number },
  opts: AttachmentsOptions,
): ZipArchive {
  async function* entries(): AsyncGenerator<ZipEntry> {
    let after = plan.firstAttachmentId - 1
    for (;;) {
      const page = await attachmentsPage(db, scope, after, plan.lastAttachmentId, ATTACHMENT_PAGE)
      for (const a of page) {
        yield {
          name: attachmentPath(scope.accountId, a),
          mtime: new Date(a.creationTime),
          size: a.size,
          open: async () => {
            opts.onAttachment?.(a.size)
            if (a.size === 0) return Readable.from([])
            // With the range the file store reads exactly the bytes there are, in one read for
            // a small attachment, rather than into a 64 KiB buffer and once more to find the end.
            return blobs.get(a.blobKey, { start: 0, end: a.size - 1 })
          },
          ...(blobs.readInto
            ? {
                readInto: (target: Buffer) => {
                  opts.onAttachment?.(a.size)
                  return blobs.readInto!(a.blobKey, target)
                },
              }
            : {}),
        }
      }
      if (page.length < ATTACHMENT_PAGE) return
      after = page[page.length - 1]!.id
    }
  }
  return { entries: entries(), comment: archiveComment(opts.label, plan.idx) }
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
  'image/gif': 'gif',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
  'text/plain': 'txt',
  'text/html': 'html',
  'video/mp4': 'mp4',
}

/**
 * `account/<a>/extension/<e>/message-store/content/<messageId>/<file>`. The file name
 * starts with the attachment id (its `id` in the message record), so two attachments
 * of one message never collide: `<id>_<fileName>` when the attachment has a usable
 * name, else `<id>.<extension of its content type>`.
 */
export function attachmentPath(
  accountId: string,
  a: Pick<AttachmentRow, 'id' | 'messageId' | 'extensionId' | 'fileName' | 'contentType'>,
): string {
  return `account/${accountId}/extension/${a.extensionId}/message-store/content/${a.messageId}/${attachmentFileName(a)}`
}

export function attachmentFileName(a: Pick<AttachmentRow, 'id' | 'fileName' | 'contentType'>): string {
  const name = Array.from(a.fileName ?? '', (c) =>
    c < ' ' || c === '\x7f' || '/\\:*?"<>|'.includes(c) ? '_' : c,
  )
    .join('')
    .trim()
    .slice(-120)
  if (name && !/^\.+$/.test(name)) return `${a.id}_${name}`
  const type = a.contentType.split(';')[0]!.trim().toLowerCase()
  return `${a.id}.${EXTENSIONS[type] ?? 'bin'}`
}
