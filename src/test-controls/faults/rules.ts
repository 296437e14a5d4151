import { type Kysely, sql } from 'kysely'
import type { ApiError } from '../../domain/errors.js'
import { errors } from '../../domain/errors.js'
import type { DB } from '../../storage/schema.js'
import { compilePathPattern } from '../path-pattern.js'
import { type FaultRule, faultError, seededDraw } from './rule.js'

/** What a request that a rule caught goes through: a delay, then a drop, an error, or neither. */
export interface FaultAction {
  delayMs: number
  drop: boolean
  error?: ApiError
}

interface Active {
  id: number
  rule: FaultRule
  matches: (path: string) => boolean
}

/** How often a node sharing its database with others reads the rules again. */
const SHARED_REFRESH_MS = 250

/**
 * The fault rules, kept in the database so that every node applies the same ones and
 * counts `times` and the seeded draws together. Each node holds the rules that can still
 * apply in memory: a request checks a list that is empty unless a test made a rule, and
 * reaches the database only when a rule's method and path match it. Nodes sharing a
 * database read the rules again every SHARED_REFRESH_MS (a rule made on one node applies
 * on the others within that time); a single node reads them when it changes them.
 */
export class FaultRules {
  private active: Active[] = []
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number,
    private readonly shared: boolean,
  ) {}

  /** True when no rule can apply: the hot path's only question. */
  get empty(): boolean {
    return this.active.length === 0
  }

  async load(): Promise<void> {
    const rows = await this.db
      .selectFrom('fault_rules')
      .select(['id', 'rule'])
      .where((eb) => eb.or([eb('remaining', 'is', null), eb('remaining', '>', 0)]))
      .orderBy('id')
      .execute()
    this.active = rows.map((row) => {
      const rule = JSON.parse(row.rule) as FaultRule
      return { id: Number(row.id), rule, matches: compilePathPattern(rule.path) }
    })
  }

  start(): void {
    if (!this.shared || this.timer) return
    this.timer = setInterval(() => {
      this.load().catch(() => {
        // The next round tries again; a database that is away fails requests anyway.
      })
    }, SHARED_REFRESH_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  async add(rule: FaultRule): Promise<Record<string, unknown>> {
    const row = await this.db
      .insertInto('fault_rules')
      .values({ rule: JSON.stringify(rule), remaining: rule.times ?? null, created_at: this.now() })
      .returning(['id'])
      .executeTakeFirstOrThrow()
    await this.load()
    return view(Number(row.id), rule, rule.times ?? null, 0)
  }

  async list(): Promise<Record<string, unknown>[]> {
    const rows = await this.db.selectFrom('fault_rules').selectAll().orderBy('id').execute()
    return rows.map((r) =>
      view(
        Number(r.id),
        JSON.parse(r.rule),
        r.remaining === null ? null : Number(r.remaining),
        Number(r.hits),
      ),
    )
  }

  async remove(id: string): Promise<void> {
    if (!/^\d+$/.test(id)) throw errors.notFound('faultId')
    const result = await this.db.deleteFrom('fault_rules').where('id', '=', Number(id)).executeTakeFirst()
    await this.load()
    if (Number(result.numDeletedRows) === 0) throw errors.notFound('faultId')
  }

  async removeAll(): Promise<void> {
    await this.db.deleteFrom('fault_rules').execute()
    await this.load()
  }

  /**
   * The fault, if any, for a request: the first rule (oldest first) whose method and
   * path match and that fires. A plain function of method and path, so that any entry
   * point (HTTP today, a WebSocket gateway later) applies the same rules.
   */
  async check(method: string, path: string): Promise<FaultAction | undefined> {
    for (const a of this.active) {
      if ((a.rule.method !== undefined && a.rule.method !== method) || !a.matches(path)) continue
      const hit = await sql<{ hits: number; remaining: number | null }>`update fault_rules set hits = hits + 1
        where id = ${a.id} and (remaining is null or remaining > 0) returning hits, remaining`.execute(
        this.db,
      )
      const row = hit.rows[0]
      if (!row) {
        this.retire(a.id)
        continue
      }
      const p = a.rule.probability ?? 1
      if (p < 1) {
        const draw = a.rule.seed === undefined ? Math.random() : seededDraw(a.rule.seed, Number(row.hits))
        if (draw >= p) continue
      }
      if (row.remaining !== null) {
        const left = await sql<{ remaining: number }>`update fault_rules set remaining = remaining - 1
          where id = ${a.id} and remaining > 0 returning remaining`.execute(this.db)
        const remaining = left.rows[0]?.remaining
        if (remaining === undefined) {
          this.retire(a.id)
          continue
        }
        if (Number(remaining) === 0) this.retire(a.id)
      }
      return {
        delayMs: a.rule.delayMs ?? 0,
        drop: a.rule.drop === true,
        error: a.rule.status === undefined || a.rule.drop ? undefined : faultError(a.rule),
      }
    }
    return undefined
  }

  private retire(id: number): void {
    this.active = this.active.filter((a) => a.id !== id)
  }
}

function view(id: number, rule: FaultRule, remaining: number | null, hits: number): Record<string, unknown> {
  return { id: String(id), ...rule, remaining, hits }
}
