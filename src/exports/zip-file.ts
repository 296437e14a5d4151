import fs from 'node:fs'
import { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { type OutputStage, startZip, type ZipEntry } from './zip.js'
import { ZipMemory } from './zip-memory.js'

/**
 * Writes a zip of `entries` into `file` (created or truncated, flushed to disk before
 * it is closed) and answers its size. Every byte goes through one buffer of its own,
 * written when full, so an archive of any size allocates almost nothing per entry.
 */
export async function writeZipFile(
  entries: AsyncIterable<ZipEntry>,
  comment: string,
  file: string,
  memory = new ZipMemory(),
): Promise<number> {
  const handle = await fs.promises.open(file, 'w')
  try {
    const buffer = memory.fileBuffer()
    let filled = 0
    let size = 0
    const flush = async () => {
      let at = 0
      while (at < filled) at += (await handle.write(buffer, at, filled - at)).bytesWritten
      size += filled
      filled = 0
    }
    let sink: Writable | undefined
    const stage: OutputStage = (ring, counted) => {
      sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          counted(chunk.length)
          let at = 0
          const next = (): void => {
            while (at < chunk.length) {
              const n = chunk.copy(buffer, filled, at)
              filled += n
              at += n
              if (filled === buffer.length) {
                flush().then(next, done)
                return
              }
            }
            ring.passed(chunk)
            done()
          }
          next()
        },
        final(done) {
          flush().then(() => done(), done)
        },
      })
      return sink
    }
    startZip(entries, comment, stage, memory)
    await finished(sink!)
    await handle.sync()
    return size
  } finally {
    await handle.close()
  }
}
