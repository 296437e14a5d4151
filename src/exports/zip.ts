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

import { Readable, Transform, type Writable } from 'node:stream'
import yazl from 'yazl'
import type { SliceRing } from './slice-ring.js'
import { addBufferReleased, useNativeCrc32 } from './yazl-internals.js'
import {
  AHEAD_BYTES,
  GATHER_BYTES,
  LOOKAHEAD,
  LOOKAHEAD_BYTES,
  READ_AHEAD_MAX,
  SMALL_CHUNK,
  ZipMemory,
} from './zip-memory.js'

export interface ZipEntry {
  /** Path inside the archive (forward slashes, no leading slash). */
  name: string
  mtime: Date
  /** Known size: the entry is stored as is and the stream must yield exactly this many bytes. */
  size?: number
  /** Deflate the entry (level 1: fast, and JSON shrinks several times even so). */
  deflate?: boolean
  open(): Promise<Readable>
  /**
   * Reads the entry's bytes into `target` (its first `target.length` bytes), answering
   * how many there were: lets a small entry of known size be read into memory the
   * archive reuses rather than into new buffers.
   */
  readInto?(target: Buffer): Promise<number>
}

/** An archive not yet written: its entries, pulled as it is written, and its comment. */
export interface ZipArchive {
  entries: AsyncIterable<ZipEntry>
  comment: string
  /** The memory to write it through: an export's archives share one (`ZipMemory`). */
  memory?: ZipMemory
}

interface Pending {
  entry: ZipEntry
  /** Started for small entries of known size: the bytes, in the ring or a buffer of their own. */
  bytes?: Promise<Buffer>
  /** …or, for entries without `readInto`, the chunks of their stream. */
  chunks?: Promise<Buffer[]>
  /** To be read into the ring when its turn comes: there was no room when it was pulled. */
  waitsForRoom?: boolean
}

/**
 * Where the zip's bytes go. `write` gets every piece in order, reports its length to
 * `counted`, and copies the ring's pieces (`ring.holds`) before it hands them to
 * `ring.passed`: the ring lends those bytes again.
 */
export type OutputStage = (ring: SliceRing, counted: (bytes: number) => void) => Writable

/**
 * A zip of `entries`, as a stream that honours backpressure. Entries are pulled from the
 * iterable as the archive is written. Small entries of known size (attachments: their
 * cost is opening and closing more than their bytes) are read whole a few dozen ahead,
 * in parallel; larger ones, and entries of unknown size, are opened when their turn
 * comes and streamed. An error from the iterable or an entry ends the stream with it.
 */
export function zipStream(
  entries: AsyncIterable<ZipEntry>,
  comment: string,
  memory = new ZipMemory(),
): Readable {
  // The zip comes as many small pieces (headers, tiny entries): gathered into larger
  // chunks here, so that the file or blob it goes to gets few large writes. The ring's
  // pieces are copied: it lends its memory again.
  let gathered: Buffer[] = []
  let gatheredBytes = 0
  const takeGathered = () => {
    const piece = Buffer.concat(gathered, gatheredBytes)
    gathered = []
    gatheredBytes = 0
    return piece
  }
  let output: Transform | undefined
  const stage: OutputStage = (ring, counted) => {
    output = new Transform({
      transform(chunk: Buffer, _enc, done) {
        counted(chunk.length)
        if (ring.holds(chunk)) {
          const copy = Buffer.from(chunk)
          ring.passed(chunk)
          chunk = copy
        }
        if (chunk.length >= SMALL_CHUNK) {
          // Large pieces go on as they are, after what was gathered before them.
          if (gatheredBytes) this.push(takeGathered())
          return done(null, chunk)
        }
        gathered.push(chunk)
        gatheredBytes += chunk.length
        done(null, gatheredBytes >= GATHER_BYTES ? takeGathered() : undefined)
      },
      flush(done) {
        done(null, gatheredBytes ? takeGathered() : undefined)
      },
    })
    return output
  }
  startZip(entries, comment, stage, memory)
  return output!
}

/** Pulls `entries` into a yazl zip whose output goes to the stage `makeOutput` makes. */
export function startZip(
  entries: AsyncIterable<ZipEntry>,
  comment: string,
  makeOutput: OutputStage,
  memory: ZipMemory,
): void {
  useNativeCrc32()
  const zip = new yazl.ZipFile()
  const ring = memory.ring()
  let added = 0
  let written = 0
  let wake: (() => void) | undefined
  const wakeUp = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const output = makeOutput(ring, (bytes) => {
    written += bytes
    if (added - written <= AHEAD_BYTES) wakeUp()
  })
  let failed = false
  const fail = (err: unknown) => {
    if (failed) return
    failed = true
    memory.discard()
    wakeUp()
    ring.wakeAll()
    output.destroy(err instanceof Error ? err : new Error(String(err)))
  }
  zip.on('error', fail)
  let ended = false
  ;(zip.outputStream as unknown as Readable)
    .on('error', fail)
    .on('end', () => {
      ended = true
    })
    .pipe(output)
  // The output failing or closed by its reader stops the reading too.
  output.on('error', fail).on('close', () => {
    if (!ended) fail(new Error('the archive output closed before the archive ended'))
  })

  const iterator = entries[Symbol.asyncIterator]()
  const queue: Pending[] = []
  let queuedBytes = 0
  let exhausted = false
  /** Reads a small entry of known size into `target`, checking it has exactly that many bytes. */
  const readWhole = async (entry: ZipEntry, target: Buffer): Promise<Buffer> => {
    const length = await entry.readInto!(target)
    if (length !== target.length) throw new Error(`${entry.name}: ${length} bytes, not ${target.length}`)
    return target
  }
  const pull = async () => {
    while (!exhausted && queue.length < LOOKAHEAD && queuedBytes < LOOKAHEAD_BYTES) {
      // The ring lends in output order: nothing after an entry waiting for room reads ahead.
      if (queue.length && queue[queue.length - 1]!.waitsForRoom) return
      const next = await iterator.next()
      if (next.done) {
        exhausted = true
        return
      }
      const entry = next.value
      const pending: Pending = { entry }
      if (entry.size !== undefined && entry.size > 0 && entry.size <= READ_AHEAD_MAX && !entry.deflate) {
        if (entry.readInto) {
          const target = ring.take(entry.size)
          if (target) pending.bytes = readWhole(entry, target)
          else pending.waitsForRoom = true
        } else {
          pending.chunks = entry.open().then(readAll)
        }
        pending.bytes?.catch(() => {}) // reported when its turn comes
        pending.chunks?.catch(() => {})
        queuedBytes += entry.size
      }
      queue.push(pending)
    }
  }

  const feed = async () => {
    for (;;) {
      await pull()
      const pending = queue.shift()
      if (!pending || failed) break
      const { entry } = pending
      while (!failed && added - written > AHEAD_BYTES) {
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
      if (failed) break
      const options = { mtime: entry.mtime, compress: false }
      if (pending.waitsForRoom) {
        // Its turn: everything before it is with the zip writer, so room comes as that is written.
        let target = ring.take(entry.size!)
        while (!failed && !target) {
          await ring.room()
          target = ring.take(entry.size!)
        }
        if (!target) break
        pending.bytes = readWhole(entry, target)
      }
      if (pending.bytes) {
        // Read into the ring: handed over as a buffer, which yazl writes out at once.
        // A stream would cost yazl a pipeline of five streams for the entry, most of
        // the export's garbage, and garbage made that fast has every object that lives
        // a moment longer (yazl's entries live until the archive ends) promoted to the
        // old generation. The buffer is a view of the ring, not bytes of its own.
        const bytes = await pending.bytes
        pending.bytes = undefined
        queuedBytes -= entry.size!
        added += bytes.length
        addBufferReleased(zip, bytes, entry.name, options)
        continue
      }
      if (pending.chunks) {
        const chunks = await pending.chunks
        pending.chunks = undefined
        queuedBytes -= entry.size!
        const length = chunks.reduce((sum, c) => sum + c.length, 0)
        if (length !== entry.size) throw new Error(`${entry.name}: ${length} bytes, not ${entry.size}`)
        added += length
        zip.addReadStreamLazy(entry.name, { ...options, size: length }, streamOfChunks(chunks))
        continue
      }
      added += entry.size ?? 0
      zip.addReadStreamLazy(
        entry.name,
        {
          mtime: entry.mtime,
          ...(entry.size !== undefined ? { size: entry.size } : {}),
          ...(entry.deflate ? { compress: true, compressionLevel: 1 } : { compress: false }),
        },
        streamOfEntry(entry, fail),
      )
    }
    if (!failed) zip.end({ comment, forceZip64Format: false })
  }
  feed().catch(fail)
}

type StreamFunction = Parameters<yazl.ZipFile['addReadStreamLazy']>[2]

/*
 * The zip writer keeps an entry's stream function until the archive ends (thousands of
 * entries): made here rather than inline, it holds only what it needs, not the whole
 * scope of the loop that made it, and lets go of that once called.
 */

function streamOfChunks(chunks: Buffer[]): StreamFunction {
  let held: Buffer[] | undefined = chunks
  return (cb) => {
    const stream = Readable.from(held!)
    held = undefined
    cb(null, stream)
  }
}

function streamOfEntry(entry: ZipEntry, fail: (err: unknown) => void): StreamFunction {
  let held: ZipEntry | undefined = entry
  return (cb) => {
    const opening = held!.open()
    held = undefined
    opening.then((stream) => {
      stream.on('error', fail)
      cb(null, stream)
    }, fail)
  }
}

/** The chunks of a whole stream. */
async function readAll(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return chunks
}
