/**
 * What msgstore knows of yazl beyond its public API, in one place: check it when yazl
 * changes version (package.json asks for ^3.3). Each part falls back to yazl's own behaviour
 * if yazl's insides are not as expected, except the size bounds, which
 * test/unit/export-zip.test.ts checks against archives yazl writes.
 */

import { createRequire } from 'node:module'
import zlib from 'node:zlib'
import type yazl from 'yazl'

/**
 * yazl computes CRC-32 with buffer-crc32, table-driven JavaScript (about 450 MB/s on the
 * bench machine, a tenth of an export's time); Node's zlib.crc32 (native, Node >= 20.15)
 * gives the same values about ten times faster. yazl looks `unsigned` up on that module
 * at every call, so it is swapped, once, before the first archive is written, for
 * buffers; anything else still goes to the original. Without zlib.crc32, nothing changes.
 */
let nativeCrc32 = false
export function useNativeCrc32(): void {
  if (nativeCrc32 || typeof zlib.crc32 !== 'function') return
  nativeCrc32 = true
  const crc = createRequire(import.meta.url)('buffer-crc32') as {
    unsigned: (buf: unknown, previous?: unknown) => number
  }
  const original = crc.unsigned
  crc.unsigned = (buf, previous) =>
    Buffer.isBuffer(buf) && (previous === undefined || typeof previous === 'number')
      ? zlib.crc32(buf, previous ?? 0)
      : original(buf, previous)
}

/** What `addBufferReleased` touches of yazl's (3.x) entries, which are not its public API. */
interface YazlEntry {
  state?: unknown
  doFileDataPump?: (() => void) | undefined
}
const YAZL_FILE_DATA_DONE = 3

/**
 * `zip.addBuffer`, except that the entry lets go of its buffer once written. yazl keeps
 * every entry until the archive's central directory is written, and an addBuffer
 * entry keeps its pump function, whose closure holds the buffer and two contexts:
 * some 250 bytes an entry that outlive young collections, are promoted, and die at
 * once when the archive ends (5,000 entries an archive, a hundred thousand an export),
 * growing the old generation by tens of megabytes before a full collection. The
 * function is called once, when the entry's turn comes (or at once, if it is next),
 * so it is dropped after that. Should yazl's entries change shape, nothing is dropped
 * and nothing else changes.
 */
export function addBufferReleased(
  zip: yazl.ZipFile,
  bytes: Buffer,
  name: string,
  options: Partial<yazl.Options>,
): void {
  zip.addBuffer(bytes, name, options)
  const entries = (zip as unknown as { entries?: YazlEntry[] }).entries
  const entry = Array.isArray(entries) ? entries[entries.length - 1] : undefined
  const pump = entry?.doFileDataPump
  if (!entry || typeof pump !== 'function') return
  if (entry.state === YAZL_FILE_DATA_DONE) {
    entry.doFileDataPump = undefined
    return
  }
  entry.doFileDataPump = function (this: unknown) {
    entry.doFileDataPump = undefined
    pump.call(this)
  }
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
