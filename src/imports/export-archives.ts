import type { Readable } from 'node:stream'
import { type ExportEntry, exportEntryOf } from './export-layout.js'
import { ZipReader } from './zip-reader.js'

/**
 * The export archives as an import reads them: all of them surveyed before anything is
 * written, then each entry of one kind, in an archive's order.
 */

/** A file given to the import that is not a readable message store export archive. */
export class ArchiveRefused extends Error {}

/**
 * Opens every file and reads its directory: refuses, before anything is written, a file
 * that is missing, not a zip archive, or holds no entry of an export's layout. Answers
 * the uncompressed bytes of the entries the import will read.
 */
export async function survey(files: string[]): Promise<number> {
  if (files.length === 0) throw new ArchiveRefused('no archive given')
  let bytes = 0
  for (const file of files) {
    let zip: ZipReader
    try {
      zip = await ZipReader.open(file)
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
      throw new ArchiveRefused(`${file}: not a zip archive (${why})`)
    }
    let entries = 0
    try {
      for await (const info of zip.entries()) {
        if (!exportEntryOf(info.name)) continue
        entries++
        bytes += info.uncompressedSize
      }
    } catch (err) {
      throw new ArchiveRefused(`${file}: unreadable zip archive (${(err as Error).message})`)
    } finally {
      zip.close()
    }
    if (entries === 0) {
      throw new ArchiveRefused(
        `${file}: not a message store export archive (no account/<id>/extension/<id>/message-store.json or …/message-store/content/<messageId>/ entries)`,
      )
    }
  }
  return bytes
}

/** Calls `work` for each entry of `kind` of one archive, in the archive's order. */
export async function eachEntry<K extends ExportEntry['kind']>(
  file: string,
  kind: K,
  work: (
    entry: Extract<ExportEntry, { kind: K }>,
    info: { name: string; uncompressedSize: number },
    open: () => Promise<Readable>,
  ) => Promise<void>,
  /** Awaited before the archive is closed, also after a failure: work still reading its entries. */
  drain: () => Promise<void> = async () => {},
): Promise<void> {
  const zip = await ZipReader.open(file)
  try {
    for await (const info of zip.entries()) {
      const entry = exportEntryOf(info.name)
      if (entry?.kind === kind) await work(entry as Extract<ExportEntry, { kind: K }>, info, info.open)
    }
  } finally {
    try {
      await drain()
    } finally {
      zip.close()
    }
  }
}
