import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { DB } from '../storage/schema.js'
import type { BlobStore, StoredBlob } from './blob-store.js'

const CHUNK = 256 * 1024
const KEY = /^[0-9a-f]{64}$/

/**
 * Content-addressed blobs in the database, in chunks, so that every node sharing a
 * PostgreSQL database reads every blob and no blob is held whole in memory.
 *
 * Bytes are written under a fresh upload id while they are hashed; only when the
 * last chunk is in does a `blobs` row give them their key: a reader never sees a
 * partial blob. A crash mid-upload leaves chunks that no `blobs` row points at.
 */
export class DbBlobStore implements BlobStore {
  /** `lockRows`: the database has `SELECT … FOR UPDATE` (PostgreSQL); SQLite serialises writers anyway. */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number,
    private readonly lockRows = false,
  ) {}

  async put(source: Readable | Buffer): Promise<StoredBlob> {
    const uploadId = randomBytes(12).toString('hex')
    const hash = createHash('sha256')
    let size = 0
    let seq = 0
    let pending: Buffer[] = []
    let pendingLength = 0
    // Every chunk but the last holds exactly CHUNK bytes, so a range maps to chunk numbers.
    const flush = async (final: boolean) => {
      if (pendingLength === 0) return
      let data = Buffer.concat(pending, pendingLength)
      while (data.length >= CHUNK || (final && data.length > 0)) {
        const piece = data.subarray(0, CHUNK)
        await this.db
          .insertInto('blob_chunks')
          .values({ upload_id: uploadId, seq: seq++, data: piece })
          .execute()
        data = data.subarray(piece.length)
      }
      pending = data.length ? [data] : []
      pendingLength = data.length
    }
    try {
      for await (const chunk of Buffer.isBuffer(source) ? [source] : source) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)
        hash.update(buf)
        size += buf.length
        pending.push(buf)
        pendingLength += buf.length
        if (pendingLength >= CHUNK) await flush(false)
      }
      await flush(true)
    } catch (err) {
      await this.db.deleteFrom('blob_chunks').where('upload_id', '=', uploadId).execute()
      throw err
    }
    const key = hash.digest('hex')
    // `created_at` is the blob's write time: written again, it is stamped again, so that a
    // release racing with the transaction about to reference it leaves it alone (deleteIf).
    const now = this.now()
    const stored = await this.db
      .insertInto('blobs')
      .values({ key, size, upload_id: uploadId, created_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ created_at: now }))
      .returning('upload_id')
      .executeTakeFirstOrThrow()
    // The same bytes were stored before: keep the first copy.
    if (stored.upload_id !== uploadId) {
      await this.db.deleteFrom('blob_chunks').where('upload_id', '=', uploadId).execute()
    }
    return { key, size }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const blob = await this.row(key)
    if (!blob) throw new Error(`no blob ${key}`)
    const start = range?.start ?? 0
    const end = range ? range.end : Number(blob.size) - 1
    const db = this.db
    async function* bytes() {
      const first = Math.floor(start / CHUNK)
      const last = Math.floor(end / CHUNK)
      for (let seq = first; seq <= last; seq++) {
        const row = await db
          .selectFrom('blob_chunks')
          .select('data')
          .where('upload_id', '=', blob!.upload_id)
          .where('seq', '=', seq)
          .executeTakeFirst()
        if (!row) return
        const offset = seq * CHUNK
        yield row.data.subarray(Math.max(0, start - offset), Math.min(row.data.length, end - offset + 1))
      }
    }
    return Readable.from(bytes())
  }

  async delete(key: string): Promise<void> {
    const blob = await this.row(key)
    if (!blob) return
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('blobs').where('key', '=', key).execute()
      await trx.deleteFrom('blob_chunks').where('upload_id', '=', blob.upload_id).execute()
    })
  }

  async deleteIf(
    key: string,
    deletable: (writtenAt: number, trx?: Kysely<DB>) => Promise<boolean>,
  ): Promise<boolean> {
    if (!KEY.test(key)) throw new Error(`invalid blob key: ${key}`)
    return this.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('blobs').select(['upload_id', 'created_at']).where('key', '=', key)
      // A put of the same bytes waits for this lock, then stamps the row or inserts it anew.
      if (this.lockRows) query = query.forUpdate()
      const blob = await query.executeTakeFirst()
      if (!blob || !(await deletable(Number(blob.created_at), trx))) return false
      await trx.deleteFrom('blobs').where('key', '=', key).execute()
      await trx.deleteFrom('blob_chunks').where('upload_id', '=', blob.upload_id).execute()
      return true
    })
  }

  async exists(key: string): Promise<boolean> {
    return (await this.row(key)) !== undefined
  }

  private row(key: string) {
    if (!KEY.test(key)) throw new Error(`invalid blob key: ${key}`)
    return this.db.selectFrom('blobs').select(['upload_id', 'size']).where('key', '=', key).executeTakeFirst()
  }
}
