/**
 * The zip work is yazl's (https://github.com/thejoshwolfe/yazl), chosen over the
 * alternatives because:
 * - it streams both ways: entries are pulled one at a time through
 *   `addReadStreamLazy` (one open blob at a time, however many entries), and its
 *   output is a stream that honours backpressure for entry data;
 * - it writes ZIP64 records by itself when an entry, an offset or the entry count
 *   needs them (archives of 1 GB and more, a message-store.json above 4 GB);
 * - it has one small dependency (buffer-crc32) and no native code, where archiver
 *   brings a dozen packages (glob, lodash, async, readable-stream…) and zip-stream half
 *   of those; fflate writes no ZIP64; @zip.js/zip.js is a browser-first library built
 *   on web streams;
 * - it is maintained by the author of yauzl, the unzip library the tests use, and its
 *   stored entries' sizes are exactly predictable (it documents the computation), which
 *   is what splitting attachments into archives of at most N bytes needs.
 */

import { Readable } from 'node:stream'
import yazl from 'yazl'

export interface ZipEntry {
  /** Path inside the archive (forward slashes, no leading slash). */
  name: string
  mtime: Date
  /** Known size: the entry is stored as is and the stream must yield exactly this many bytes. */
  size?: number
  /** Deflate the entry (level 1: fast, and JSON shrinks several times even so). */
  deflate?: boolean
  open(): Promise<Readable>
}

/** Entries handed to yazl ahead of the one it is writing; bounds what waits in memory. */
const WINDOW = 256

/**
 * A zip of `entries`, as a stream. Entries are pulled from the iterable as the archive
 * is written, and each entry's bytes are opened only when its turn comes. An error
 * from the iterable or from an entry's stream ends the output stream with that error.
 */
export function zipStream(entries: AsyncIterable<ZipEntry>, comment: string): Readable {
  const zip = new yazl.ZipFile()
  const output = zip.outputStream as unknown as Readable
  let opened = 0
  let added = 0
  let wake: (() => void) | undefined
  let failed = false
  const fail = (err: unknown) => {
    if (failed) return
    failed = true
    wake?.()
    output.destroy(err instanceof Error ? err : new Error(String(err)))
  }
  zip.on('error', fail)

  const feed = async () => {
    for await (const entry of entries) {
      if (failed) return
      zip.addReadStreamLazy(
        entry.name,
        {
          mtime: entry.mtime,
          ...(entry.size !== undefined ? { size: entry.size } : {}),
          ...(entry.deflate ? { compress: true, compressionLevel: 1 } : { compress: false }),
        },
        (cb) => {
          opened++
          wake?.()
          entry.open().then((stream) => {
            stream.on('error', fail)
            cb(null, stream)
          }, fail)
        },
      )
      added++
      while (!failed && added - opened > WINDOW) {
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = undefined
      }
    }
    if (!failed) zip.end({ comment, forceZip64Format: false })
  }
  feed().catch(fail)
  return output
}

const LOCAL_HEADER = 30
const DATA_DESCRIPTOR_ZIP64 = 24
const CENTRAL_RECORD = 46
const TIMESTAMP_EXTRA = 9
const ZIP64_EXTRA = 28
const END_RECORDS = 22 + 56 + 20

/**
 * The most bytes a stored entry takes in a yazl archive: local header and name, the
 * data, a ZIP64 data descriptor, and its central directory record with the extended
 * timestamp and ZIP64 fields (yazl's own size computation, with every optional ZIP64
 * part counted).
 */
export function storedEntryBound(name: string, size: number): number {
  const n = Buffer.byteLength(name)
  return LOCAL_HEADER + n + size + DATA_DESCRIPTOR_ZIP64 + CENTRAL_RECORD + n + TIMESTAMP_EXTRA + ZIP64_EXTRA
}

/** The most bytes the end of a yazl archive takes: end records, ZIP64 ones included, and the comment. */
export function zipEndBound(comment: string): number {
  return END_RECORDS + Buffer.byteLength(comment)
}

/** An empty stream, for entries with no bytes. */
export function emptyStream(): Readable {
  return Readable.from([])
}
