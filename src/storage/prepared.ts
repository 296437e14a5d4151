import { CompiledQuery, type Kysely, type QueryResult, type RawBuilder } from 'kysely'
import type { DB } from './schema.js'
import { nameStatement } from './statement-names.js'

/**
 * A statement built and compiled once per shape, then run with each call's values.
 *
 * Why: building a statement with Kysely's `sql` tag and compiling it costs several
 * times what SQLite takes to run a small indexed read (about 50 µs against 15 µs for
 * the ISync statement), and the hot statements (every request's token lookup, ISync)
 * run thousands of times a second with the same SQL text.
 *
 * The builder receives the shape, which decides the SQL text (which filters, which
 * enum values), and stand-ins for the values. It must place a value only as a
 * parameter (`${values.since}` in a `sql` template) and never look at it: the shape
 * is the cache key (as JSON), so anything the text depends on must be in the shape.
 * A stand-in refuses to become a number or a string, so arithmetic, comparisons or
 * concatenation with a value fail while building instead of baking one call's value
 * into the statement. Builders are module-level functions of (shape, values, context)
 * only, so a request's values cannot reach them any other way.
 */
export class PreparedStatement<Shape, Values extends object, Row = unknown, Context = void> {
  /** Compiled statements per database adapter (SQL text differs between dialects), by shape. */
  private readonly compiled = new WeakMap<object, Map<string, Compiled>>()

  constructor(
    private readonly build: (shape: Shape, values: Values, context: Context) => RawBuilder<Row>,
    /** Distinct shapes kept per adapter; the oldest is dropped beyond it. */
    private readonly maxShapes = 256,
  ) {}

  /** `context` is what differs between databases (the dialect): it must be the same for every call on `db`. */
  async execute(db: Kysely<DB>, shape: Shape, values: Values, context: Context): Promise<QueryResult<Row>> {
    const { sql, slots } = this.statement(db, shape, context)
    const parameters = new Array<unknown>(slots.length)
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]
      if (!(slot instanceof Slot)) {
        parameters[i] = slot
        continue
      }
      const value = (values as Record<string, unknown>)[slot.name]
      if (value === undefined) throw new Error(`prepared statement: no value for ${slot.name}`)
      parameters[i] = value
    }
    return db.executeQuery<Row>(CompiledQuery.raw(sql, parameters))
  }

  private statement(db: Kysely<DB>, shape: Shape, context: Context): Compiled {
    const adapter = db.getExecutor().adapter
    let byShape = this.compiled.get(adapter)
    if (!byShape) {
      byShape = new Map()
      this.compiled.set(adapter, byShape)
    }
    const key = shape === undefined ? '' : JSON.stringify(shape)
    let statement = byShape.get(key)
    if (!statement) {
      const compiled = this.build(shape, standIns<Values>(), context).compile(db)
      statement = { sql: compiled.sql, slots: compiled.parameters }
      nameStatement(compiled.sql)
      if (byShape.size >= this.maxShapes) byShape.delete(byShape.keys().next().value as string)
      byShape.set(key, statement)
    }
    return statement
  }
}

interface Compiled {
  sql: string
  /** Per parameter: the value's stand-in, or a constant of the shape. */
  slots: readonly unknown[]
}

/** Where a value goes in a statement. */
class Slot {
  constructor(readonly name: string) {}

  [Symbol.toPrimitive](): never {
    throw new Error(`prepared statement: the value ${this.name} was used while building the SQL`)
  }
}

/** An object whose every property is the stand-in of the value of that name. */
function standIns<Values>(): Values {
  return new Proxy({} as Record<string, Slot>, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined
      return new Slot(name)
    },
  }) as Values
}
