import {
  CROSS_ACCOUNT_STATEMENTS,
  DISTRIBUTED_TABLES,
  type DistributedTable,
} from '../../src/storage/tenancy.js'

/**
 * Whether a statement names the account of every tenant table it reads or writes
 * (src/storage/tenancy.ts). A heuristic over the SQL text, strict enough to catch a
 * forgotten condition: each reference to a distributed table (after FROM, JOIN, UPDATE)
 * needs a comparison of its distribution column of its own (`account_id = …`,
 * `… = x.account_id`, `account_id in (…)`); an INSERT must list the column. Placeholders
 * (`$1`, `?`) are read as `?`.
 */
export function missingAccount(statement: string): string | undefined {
  const text = statement.replace(/\$\d+/g, '?').replace(/\s+/g, ' ').trim()
  const tables = Object.keys(DISTRIBUTED_TABLES) as DistributedTable[]
  const name = (t: string) => t.replace(/"/g, '').split('.').pop()!
  const insert = /^insert into "?(\w+)"? \(([^)]*)\)/i.exec(text)
  if (insert) {
    const table = name(insert[1]!) as DistributedTable
    if (!tables.includes(table)) return undefined
    return insert[2]!.includes(DISTRIBUTED_TABLES[table])
      ? undefined
      : `insert into ${table} without its account`
  }
  const refs: DistributedTable[] = []
  for (const m of text.matchAll(/\b(?:from|join|update)\s+("?\w+"?)/gi)) {
    const table = name(m[1]!) as DistributedTable
    if (tables.includes(table)) refs.push(table)
  }
  if (refs.length === 0) return undefined
  if (CROSS_ACCOUNT_STATEMENTS.some((c) => c.match.test(text))) return undefined
  // `accounts` is distributed on its id: `accounts.id = …` names the account.
  const column =
    /(?:"?(?:\w+"?\.)?"?account_id"?\s*(?:=|in\b)|=\s*"?(?:\w+"?\.)?"?account_id\b|"?accounts"?\."?id"?\s*=|^select [^;]* from "?accounts"? where "?id"?\s*(?:=|in\b))/gi
  const named = [...text.matchAll(column)].length
  return named >= refs.length
    ? undefined
    : `${refs.length} reference(s) to tenant tables (${refs.join(', ')}) but ${named} naming an account`
}
