import fs from 'node:fs'
import path from 'node:path'
import type SqliteDatabase from 'better-sqlite3'
import type { CompiledQuery, DatabaseConnection, Dialect } from 'kysely'
import { transactionCommitted } from '../commit-signal.js'
import { withDriverMethods } from './driver-wrap.js'

/**
 * Durable commits without blocking the event loop. With `synchronous = FULL`, SQLite
 * calls fsync inside COMMIT, and better-sqlite3 runs COMMIT on the JavaScript thread:
 * for the 0.2 to 10 ms of each fsync (more when the disk is busy) no socket is served,
 * no timer fires. So the connection runs with `synchronous = NORMAL` (in WAL mode a
 * commit then only writes the WAL file, and checkpoints still sync as before) and, after
 * every statement that ends a transaction which wrote, this class fsyncs the WAL file on
 * libuv's thread pool and the statement's promise resolves only then. The connection is
 * not released meanwhile (Kysely's SQLite driver holds one connection under a mutex), so
 * no later statement of this process runs before the commit is on disk, and no request
 * is answered before: what is acknowledged survives a power loss, as with FULL. Other
 * processes reading the file may see a commit during its fsync.
 */
export class WalSync {
  private fd?: number
  /** A bulk load (msgstore seed) turns the syncs off for its duration and syncs once at its end. */
  enabled: boolean
  private readonly walPath: string

  constructor(private readonly file: string) {
    this.walPath = `${file}-wal`
    this.enabled = file !== ':memory:'
  }

  /** fsyncs the WAL file (the main file when there is no WAL file). */
  async sync(): Promise<void> {
    if (!this.enabled) return
    const wal = this.walDescriptor()
    if (wal !== undefined) return fsync(wal)
    // No WAL file (checkpointed away by another process): all that is committed is in the main file.
    const main = fs.openSync(this.file, 'r')
    try {
      await fsync(main)
    } finally {
      fs.closeSync(main)
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd)
    this.fd = undefined
  }

  /**
   * The WAL file lives as long as a connection is open, but another process may remove
   * it when its last connection closes; a removed file is opened again. The first sync of
   * a WAL file also syncs its directory, as SQLite does, so that the file itself survives
   * a power loss.
   */
  private walDescriptor(): number | undefined {
    if (this.fd !== undefined && fs.fstatSync(this.fd).nlink > 0) return this.fd
    this.close()
    try {
      this.fd = fs.openSync(this.walPath, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    const dir = fs.openSync(path.dirname(path.resolve(this.walPath)), 'r')
    try {
      fs.fsyncSync(dir)
    } finally {
      fs.closeSync(dir)
    }
    return this.fd
  }
}

function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())))
}

/**
 * The SQLite dialect whose connection waits for `wal.sync()` after each statement that
 * ends a transaction which wrote (COMMIT, or a write outside a transaction), then tells
 * the commit signal, still holding the connection. ROLLBACK ends one without anything to
 * sync.
 */
export function withWalSync(
  dialect: Dialect,
  sqlite: SqliteDatabase.Database,
  cached: SqliteDatabase.Database,
  wal: WalSync,
): Dialect {
  let wrote = false
  const readNow = (text: string, parameters: readonly unknown[]) =>
    cached.prepare(text).all(parameters as unknown[]) as unknown[]
  const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const wrap = (connection: DatabaseConnection): DatabaseConnection => ({
    async executeQuery<R>(query: CompiledQuery) {
      const result = await connection.executeQuery<R>(query)
      // The statement is prepared already (the statement cache): this is a map lookup.
      if (!cached.prepare(query.sql).readonly) wrote = true
      if (wrote && !sqlite.inTransaction) {
        wrote = false
        if (!/^\s*rollback\b/i.test(query.sql)) {
          await wal.sync()
          transactionCommitted(readNow)
        }
      }
      return result
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  })
  return withDriverMethods(dialect, (driver) => ({
    async acquireConnection() {
      const connection = await driver.acquireConnection()
      let outer = wrapped.get(connection)
      if (!outer) {
        outer = wrap(connection)
        wrapped.set(connection, outer)
      }
      return outer
    },
    async destroy() {
      await driver.destroy()
      wal.close()
    },
  }))
}
