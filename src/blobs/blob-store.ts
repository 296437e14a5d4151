import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { DB } from '../storage/schema.js'

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
  /**
   * Deletes the blob when `deletable(writtenAt)` says so, `writtenAt` being the store-clock
   * time of its last `put`. The check and the deletion run while no `put` of the same key
   * can land in between (the blob's row lock on PostgreSQL, one guard per key on disk), so
   * bytes written again meanwhile are never lost. Answers whether it deleted. A store
   * that keeps blobs in the database passes the transaction holding the lock: queries
   * of `deletable` must use it (SQLite has one connection, which that transaction holds).
   */
  deleteIf(
    key: string,
    deletable: (writtenAt: number, trx?: Kysely<DB>) => Promise<boolean>,
  ): Promise<boolean>
  exists(key: string): Promise<boolean>
}
