import fs from 'node:fs'
import path from 'node:path'
import type SqliteDatabase from 'better-sqlite3'
import type { CompiledQuery, DatabaseConnection, Dialect } from 'kysely'
import { transactionCommitted } from '../commit-signal.js'
import { withDriverMethods } from './driver-wrap.js'

/**
 * Durable commits that neither block the event loop nor hold the connection while the
 * disk works: group commit.
 *
 * With `synchronous = FULL`, SQLite fsyncs inside COMMIT, and better-sqlite3 runs COMMIT
 * on the JavaScript thread: for each fsync (0.1 ms typically, 8 ms at the 99th percentile
 * on the development machine, far more on a busy disk) no socket was served and no timer
 * fired, and a notification already due waited behind the next call's commit. So the
 * connection runs with `synchronous = NORMAL` (in WAL mode a commit then writes the WAL
 * file without syncing it; checkpoints still sync) and, after each statement that ends a
 * transaction which wrote, the connection is handed to the next statement at once while
 * the WAL file is fsynced on libuv's thread pool. The commit's promise resolves only once
 * an fsync that began after it has ended: no request is answered, and no notification
 * sent, before its change is on disk. Commits made while one fsync runs share the next.
 *
 * What this gives up: for the duration of an fsync, a read (of this process or another
 * that shares the file) may see a commit that is not yet on disk, as MySQL's group commit
 * allows. Only a power loss in that window could take back what such a read saw; the
 * writer was never told its write succeeded. The notification dispatcher and the webhook
 * worker wait for `durable()` after reading, before they send anything.
 */
export class GroupCommit {
  private committed = 0
  private synced = 0
  private running?: Promise<void>
  private fd?: number

  constructor(
    private readonly file: string,
    /** Other processes write the same file (`--shared-store`). */
    private readonly shared = false,
  ) {}

  /** Counts a commit made on the connection; answers its number. */
  commitMade(): number {
    return ++this.committed
  }

  /** Resolves once commit `upTo` (every commit so far, by default) is on disk. */
  async durable(upTo = this.committed): Promise<void> {
    while (this.synced < upTo) {
      if (!this.running) {
        const covers = this.committed
        this.running = this.sync()
          .then(() => {
            if (covers > this.synced) this.synced = covers
          })
          .finally(() => {
            this.running = undefined
          })
      }
      await this.running
    }
  }

  /**
   * Resolves once whatever a read made so far may have seen is on disk: this process's
   * commits, and where other processes write the same file, theirs too (an fsync that
   * begins now covers every write to the file before it, whichever process made it).
   */
  readsDurable(): Promise<void> {
    return this.durable(this.shared ? ++this.committed : this.committed)
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd)
    this.fd = undefined
  }

  /** fsyncs the WAL file, or the main file when there is no WAL file. */
  protected async sync(): Promise<void> {
    if (this.file === ':memory:') return
    const wal = this.walDescriptor()
    if (wal !== undefined) return fsync(wal)
    // No WAL file (checkpointed away by another process that closed the store): all that
    // is committed is in the main file.
    const main = fs.openSync(this.file, 'r')
    try {
      await fsync(main)
    } finally {
      fs.closeSync(main)
    }
  }

  /**
   * The WAL file lives as long as a connection is open, but another process may remove it
   * when its last connection closes: a removed file is opened again. The first sync of a
   * WAL file also syncs its folder, as SQLite does, so that the file itself survives a
   * power loss.
   */
  private walDescriptor(): number | undefined {
    if (this.fd !== undefined && fs.fstatSync(this.fd).nlink > 0) return this.fd
    this.close()
    const walPath = `${this.file}-wal`
    try {
      this.fd = fs.openSync(walPath, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    const dir = fs.openSync(path.dirname(path.resolve(walPath)), 'r')
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

/** One acquisition of the connection, as Kysely holds it between acquire and release. */
interface Lease extends DatabaseConnection {
  held: boolean
}

/**
 * The SQLite dialect whose connection, after each statement that ends a transaction which
 * wrote (COMMIT, or a write outside a transaction): tells the commit signal, still holding
 * the connection (a ReadNow on it sees exactly what the commit made); hands the connection
 * to the next waiting statement; and resolves once the commit is on disk (GroupCommit).
 * ROLLBACK, or a statement that failed and ended the transaction, tells nothing.
 *
 * Kysely's release of a lease handed on this way does nothing. A lease that runs or
 * streams another statement after its commit (a migration's statements, each its own
 * transaction, in one `db.connection()`) takes the connection again first.
 */
export function withGroupCommit(
  dialect: Dialect,
  sqlite: SqliteDatabase.Database,
  cached: SqliteDatabase.Database,
  group: GroupCommit,
): Dialect {
  let wrote = false
  const readNow = (text: string, parameters: readonly unknown[]) =>
    cached.prepare(text).all(parameters as unknown[]) as unknown[]
  return withDriverMethods(dialect, (driver) => {
    const lease = (connection: DatabaseConnection): Lease => {
      const self: Lease = {
        held: true,
        async executeQuery<R>(query: CompiledQuery) {
          if (!self.held) {
            await driver.acquireConnection()
            self.held = true
          }
          let result: Awaited<ReturnType<typeof connection.executeQuery<R>>>
          try {
            result = await connection.executeQuery<R>(query)
          } catch (err) {
            if (!sqlite.inTransaction) wrote = false
            throw err
          }
          // The statement is prepared already (the statement cache): this is a map lookup.
          if (!cached.prepare(query.sql).readonly) wrote = true
          if (wrote && !sqlite.inTransaction) {
            wrote = false
            if (!/^\s*rollback\b/i.test(query.sql)) {
              const commit = group.commitMade()
              transactionCommitted(readNow)
              self.held = false
              await driver.releaseConnection(connection)
              await group.durable(commit)
            }
          }
          return result
        },
        async *streamQuery<R>(query: CompiledQuery, chunkSize?: number) {
          if (!self.held) {
            await driver.acquireConnection()
            self.held = true
          }
          yield* connection.streamQuery<R>(query, chunkSize)
        },
      }
      return self
    }
    return {
      async acquireConnection() {
        return lease(await driver.acquireConnection())
      },
      async releaseConnection(connection) {
        const held = connection as Lease
        if (!held.held) return
        held.held = false
        await driver.releaseConnection(connection)
      },
      async destroy() {
        await driver.destroy()
        group.close()
      },
    }
  })
}
