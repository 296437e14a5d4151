/**
 * Names for the SQL texts of prepared statements (prepared.ts), so that a driver that
 * can keep a statement on its connection does so.
 *
 * Why: PostgreSQL parses and plans an unnamed statement on every call. For the list
 * page (a count, the page, the change number and the next creation time in one
 * statement) parsing and planning cost about as much as running it. A named statement
 * is parsed once per connection, and after a few calls PostgreSQL plans it once too.
 * SQLite needs none of this: its adapter keeps prepared statements by text already.
 */
const names = new Map<string, string>()

/** Gives `sql` a name (the same for the same text, for the life of the process). */
export function nameStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `msgstore_${names.size + 1}`)
}

/** The name given to this text, if any. */
export function statementName(sql: string): string | undefined {
  return names.get(sql)
}
