import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { transactionCommitted } from '../commit-signal.js'
import type { DB } from '../schema.js'
import { statementLog } from '../statement-log.js'
import { statementName } from '../statement-names.js'
import type { OpenedDialect } from './dialect.js'
import { withDriverMethods } from './driver-wrap.js'

// int8 (ids, times in ms, counts) as JavaScript numbers: every value msgstore stores
// there stays below 2^53, and the rest of the code expects numbers, as SQLite gives.
pg.types.setTypeParser(20, (text) => Number(text))

/**
 * Sends the statements of prepared.ts as named statements, which PostgreSQL parses once
 * per connection (and, after a few calls, plans once) instead of on every call. Kysely
 * calls `query(text, values)`; any other text goes on unnamed.
 */
function useStatementNames(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  ;(client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args
    const name = typeof text === 'string' && args.length === 2 ? statementName(text) : undefined
    return name ? query({ name, text, values }) : query(...args)
  }
}

/** PostgreSQL, shared by any number of msgstore nodes. */
export function openPostgres(url: string, poolSize: number): OpenedDialect {
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {})
  pool.on('connect', useStatementNames)
  return {
    db: new Kysely<DB>({
      // After each commit, the commit signal (the notification dispatcher looks at once).
      dialect: withDriverMethods(new PostgresDialect({ pool }), (driver) => ({
        async commitTransaction(connection) {
          await driver.commitTransaction(connection)
          transactionCommitted()
        },
      })),
      log: statementLog(),
    }),
    info: {
      name: 'postgres',
      sharedByNodes: true,
      supportsRowLocks: true,
      joinRecords: (column, orderBy) => sql`string_agg(${column}, '\\x2c'::bytea order by ${orderBy})`,
      recordText: (column) => sql`convert_from(${column}, 'UTF8')`,
      lockUntilCommit: async (trx, name) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`msgstore:${name}`}))`.execute(trx)
      },
      afterBulkWrite: async (db, tables) => {
        // Not in a transaction: VACUUM refuses to run in one (the pool's queries autocommit).
        await sql`vacuum (analyze) ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db)
      },
    },
  }
}
