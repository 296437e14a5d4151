import type { Readable } from 'node:stream'

export interface StoredBlob {
  key: string
  size: number
}

/** Where attachment bytes live. Metadata (type, name, size) stays in the database. */
export interface BlobStore {
  /** Streams `source` into the store; the blob is durable when the promise resolves. */
  put(source: Readable | Buffer): Promise<StoredBlob>
  /** A stream of the blob's bytes, `end` inclusive. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>
  /**
   * Reads the blob's first `target.length` bytes into `target` and answers how many
   * there were (fewer when the blob is shorter): for readers that reuse their memory.
   * Optional: a store without it is read through `get`.
   */
  readInto?(key: string, target: Buffer): Promise<number>
  delete(key: string): Promise<void>
  exists(key: string): Promise<boolean>
}
