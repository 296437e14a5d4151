import { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import {
  type AttachmentRow,
  attachmentsPage,
  type ExportScope,
} from '../storage/repositories/export-reads.js'
import type { DB } from '../storage/schema.js'
import { archiveComment } from './archive-comment.js'
import { storedEntryBound, zipEndBound } from './yazl-internals.js'
import type { ZipArchive, ZipEntry } from './zip.js'

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
