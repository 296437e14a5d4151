import fs from 'node:fs'
import type { LogEvent } from 'kysely'

/**
 * For tests only: with MSGSTORE_STATEMENT_LOG=FILE in the environment, every statement
 * the process runs through Kysely is appended to FILE, one JSON string a line, so that a
 * test can check what the server sent to the database (test/e2e/tenancy-statements.test.ts
 * checks that each statement on a tenant table names its account). Off otherwise:
 * Kysely then calls no logger at all.
 */
export function statementLog(): ((event: LogEvent) => void) | undefined {
  const file = process.env.MSGSTORE_STATEMENT_LOG
  if (!file) return undefined
  return (event) => {
    // Synchronous: a line is whole and in order even when the process is killed next.
    fs.appendFileSync(file, `${JSON.stringify(event.query.sql)}\n`)
  }
}
