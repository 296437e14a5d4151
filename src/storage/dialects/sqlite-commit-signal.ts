import type SqliteDatabase from 'better-sqlite3'
import type { CompiledQuery, DatabaseConnection, Dialect } from 'kysely'
import { transactionCommitted } from '../commit-signal.js'
import { withDriverMethods } from './driver-wrap.js'

/**
 * The SQLite dialect whose connection tells the commit signal after each statement that
 * ends a transaction which wrote (COMMIT, or a write outside a transaction), still holding
 * the connection: the commit is on disk by then (`synchronous = FULL`), and a ReadNow on
 * this connection sees exactly what it made. ROLLBACK, or a statement that failed and
 * ended the transaction, tells nothing.
 */
export function withCommitSignal(
  dialect: Dialect,
  sqlite: SqliteDatabase.Database,
  cached: SqliteDatabase.Database,
): Dialect {
  let wrote = false
  const readNow = (text: string, parameters: readonly unknown[]) =>
    cached.prepare(text).all(parameters as unknown[]) as unknown[]
  const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const wrap = (connection: DatabaseConnection): DatabaseConnection => ({
    async executeQuery<R>(query: CompiledQuery) {
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
        if (!/^\s*rollback\b/i.test(query.sql)) transactionCommitted(readNow)
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
  }))
}
