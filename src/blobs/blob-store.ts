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
  delete(key: string): Promise<void>
  exists(key: string): Promise<boolean>
}
