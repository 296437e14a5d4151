import { CompiledQuery, type Kysely, PostgresAdapter, sql } from 'kysely'
import type { DB } from '../schema.js'

/** Bound parameters one statement may carry: SQLite's default limit (PostgreSQL allows 65535). */
const MAX_PARAMETERS = 32766
const MAX_CHUNK_ROWS = 2048

/**
 * Multi-row INSERTs for bulk loads (`msgstore seed`). Kysely compiles the statement
 * for a given number of rows once, in the dialect's own SQL (`?` or `$n`
 * placeholders); each later chunk costs only its flat parameter list. Chunks hold a
 * power of two of rows, so that a handful of statement shapes serves any row count.
 */
export class BulkInsert<T extends keyof DB & string> {
  private readonly statements = new Map<number, string>()
  /** Rows of the largest chunk. */
  readonly chunkRows: number

  constructor(
    private readonly table: T,
    readonly columns: readonly (keyof DB[T] & string)[],
  ) {
    let rows = 1
    while (rows * 2 <= MAX_CHUNK_ROWS && rows * 2 * columns.length <= MAX_PARAMETERS) rows *= 2
    this.chunkRows = rows
  }

  /** Inserts the rows of `values`: row after row, each row's values in `columns` order. */
  async insert(db: Kysely<DB>, values: unknown[]): Promise<void> {
    const width = this.columns.length
    if (values.length % width !== 0) throw new Error(`bulk insert into ${this.table}: ragged rows`)
    let start = 0
    while (start < values.length) {
      const left = (values.length - start) / width
      let rows = this.chunkRows
      while (rows > left) rows /= 2
      const end = start + rows * width
      await db.executeQuery(CompiledQuery.raw(this.statement(db, rows), values.slice(start, end)))
      start = end
    }
  }

  private statement(db: Kysely<DB>, rows: number): string {
    let text = this.statements.get(rows)
    if (text === undefined) {
      const row = Object.fromEntries(this.columns.map((c) => [c, null]))
      const compiled = db
        .insertInto(this.table)
        .values(Array.from({ length: rows }, () => row) as never)
        .compile()
      if (compiled.parameters.length !== rows * this.columns.length) {
        throw new Error(`bulk insert into ${this.table}: unexpected statement shape`)
      }
      text = compiled.sql
      this.statements.set(rows, text)
    }
    return text
  }
}

/** The largest id of a table with a generated id, 0 when empty. */
export async function maxId(db: Kysely<DB>, table: 'messages' | 'attachments'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max<number | null>('id').as('max'))
    .executeTakeFirst()
  return Number(row?.max ?? 0)
}

/**
 * After rows went in with explicit ids: moves the table's id generator past them.
 * SQLite's rowid follows by itself; a PostgreSQL identity column has a sequence.
 */
export async function syncIdGenerator(db: Kysely<DB>, table: 'messages' | 'attachments'): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest((select max(id) from ${sql.table(table)}), 1))`.execute(
    db,
  )
}
