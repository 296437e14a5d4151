import fs from 'node:fs'
import type { LogEvent } from 'kysely'

/**
 * For tests and diagnosis: with `statementLog` set in the configuration
 * (MSGSTORE_STATEMENT_LOG=FILE), every statement the process runs through Kysely is
 * appended to FILE, one JSON string a line, so that a test can check what the server sent
 * to the database (test/e2e/tenancy-statements.test.ts checks that each statement on a
 * tenant table names its account). Off otherwise: Kysely then calls no logger at all.
 *
 * The file is set once per process by the composition root, before any connection is
 * opened; every connection the process opens afterwards (the export's own reader too)
 * logs to it.
 */
let file: string | undefined

export function setStatementLog(path: string | undefined): void {
  file = path
}

export function statementLog(): ((event: LogEvent) => void) | undefined {
  const target = file
  if (!target) return undefined
  return (event) => {
    // Synchronous: a line is whole and in order even when the process is killed next.
    fs.appendFileSync(target, `${JSON.stringify(event.query.sql)}\n`)
  }
}
