import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { BlobStore, StoredBlob } from './blob-store.js'

const KEY = /^[0-9a-f]{64}$/
const READ_CHUNK = 256 * 1024

/**
 * Content-addressed blobs on disk under `<data>/blobs`. A blob is written to a
 * temporary file, hashed as it streams, flushed to disk, then renamed into place,
 * so a crash never leaves a half-written blob under a real key. Identical bytes
 * are stored once.
 */
export class FsBlobStore implements BlobStore {
  private readonly root: string
  private readonly tmp: string

  /** Work on one key at a time: a put's rename and a release's check-then-delete never interleave. */
  private readonly guards = new Map<string, Promise<unknown>>()

  /** `now`: the store's clock; a put stamps the file's modification time with it (the blob's write time). */
  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.root = path.join(dataDir, 'blobs')
    this.tmp = path.join(this.root, 'tmp')
    fs.mkdirSync(this.tmp, { recursive: true })
  }

  async put(source: Readable | Buffer): Promise<StoredBlob> {
    const tmpFile = path.join(this.tmp, randomBytes(12).toString('hex'))
    const hash = createHash('sha256')
    let size = 0
    const input = Buffer.isBuffer(source) ? Readable.from([source]) : source
    try {
      await pipeline(
        input,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk)
            size += chunk.length
            yield chunk
          }
        },
        // `flush` syncs the file to disk before it is closed: durable before it is renamed into place.
        fs.createWriteStream(tmpFile, { flush: true }),
      )
    } catch (err) {
      await fs.promises.rm(tmpFile, { force: true })
      throw err
    }
    const key = hash.digest('hex')
    const target = this.pathOf(key)
    await fs.promises.mkdir(path.dirname(target), { recursive: true })
    await this.guarded(key, async () => {
      await fs.promises.rename(tmpFile, target)
      const at = this.now() / 1000
      await fs.promises.utimes(target, at, at)
    })
    return { key, size }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.pathOf(key)
    const handle = await fs.promises.open(file, 'r')
    // Large reads: a 1 MB attachment goes out in 4 writes rather than 16.
    return handle.createReadStream({
      ...(range ? { start: range.start, end: range.end } : {}),
      highWaterMark: READ_CHUNK,
    })
  }

  async readInto(key: string, target: Buffer): Promise<number> {
    const handle = await fs.promises.open(this.pathOf(key), 'r')
    try {
      let filled = 0
      while (filled < target.length) {
        const { bytesRead } = await handle.read(target, filled, target.length - filled, filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      return filled
    } finally {
      await handle.close()
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true })
  }

  async deleteIf(key: string, deletable: (writtenAt: number) => Promise<boolean>): Promise<boolean> {
    const file = this.pathOf(key)
    return this.guarded(key, async () => {
      const stat = await fs.promises.stat(file).catch(() => undefined)
      if (!stat || !(await deletable(stat.mtimeMs))) return false
      await fs.promises.rm(file, { force: true })
      return true
    })
  }

  private guarded<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.guards.get(key) ?? Promise.resolve()
    const mine = before.then(work, work)
    const settled = mine.catch(() => {})
    this.guards.set(key, settled)
    void settled.then(() => {
      if (this.guards.get(key) === settled) this.guards.delete(key)
    })
    return mine
  }

  async exists(key: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(key)).then(
      () => true,
      () => false,
    )
  }

  /** Keys are hex digests only, so no key can name a path outside the store. */
  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid blob key: ${key}`)
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key)
  }
}
