import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import type { ExportScope } from '../storage/repositories/export-reads.js'
import type { DB } from '../storage/schema.js'
import {
  type AttachmentsProgress,
  attachmentsArchive,
  planAttachmentArchives,
} from './attachments-archive.js'
import { type MessagesProgress, messagesArchive } from './messages-archive.js'
import type { ZipArchive } from './zip.js'

/**
 * The archives of a message store report, as entries pulled while the archive is
 * written: the report task's job (services/exports/build.ts) and `msgstore export`
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

/** One archive of a report: 0 holds the records; 1 and on the attachments from first to last id. */
export type ReportArchivePlan =
  | { idx: 0; firstAttachmentId: null; lastAttachmentId: null; entries: 0; bytes: 0 }
  | { idx: number; firstAttachmentId: number; lastAttachmentId: number; entries: number; bytes: number }

/**
 * The archives of a report over `scope`: the records' archive, then the attachments in
 * archives of at most `maxBytes`. Reads metadata only.
 */
export async function planReportArchives(
  db: Kysely<DB>,
  scope: ExportScope,
  maxBytes: number,
  label: string,
): Promise<ReportArchivePlan[]> {
  const attachments = await planAttachmentArchives(db, scope, maxBytes, label)
  return [
    { idx: 0, firstAttachmentId: null, lastAttachmentId: null, entries: 0, bytes: 0 },
    ...attachments.map(({ idx, firstAttachmentId, lastAttachmentId, entries, bytes }) => ({
      idx,
      firstAttachmentId,
      lastAttachmentId,
      entries,
      bytes,
    })),
  ]
}

export interface ReportArchiveOptions extends MessagesProgress, AttachmentsProgress {
  /** Unique per report (its task id): it names each archive in the archive's comment. */
  label: string
  /** The modification time of the records' entries. */
  mtime: Date
  /** The public base URL, put into the records' uris. */
  baseUrl: Buffer
}

/** The zip of one planned archive, its entries read from `db` and `blobs` as it is written. */
export function reportArchive(
  db: Kysely<DB>,
  blobs: BlobStore,
  scope: ExportScope,
  archive: Pick<ReportArchivePlan, 'idx' | 'firstAttachmentId' | 'lastAttachmentId'>,
  opts: ReportArchiveOptions,
): ZipArchive {
  if (archive.idx === 0) return messagesArchive(db, scope, opts.baseUrl, opts)
  return attachmentsArchive(
    db,
    blobs,
    scope,
    {
      idx: archive.idx,
      firstAttachmentId: archive.firstAttachmentId!,
      lastAttachmentId: archive.lastAttachmentId!,
    },
    opts,
  )
}
