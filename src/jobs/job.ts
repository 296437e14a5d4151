import type { Kysely } from 'kysely'
import type { DB } from '../storage/schema.js'

export interface JobContext {
  /** The transaction the job's work runs in (transactional jobs), or the database. */
  db: Kysely<DB>
  /** The store's clock, now. */
  now: number
  /** Adds a follow-up job in the same transaction. */
  enqueue(name: string, payload: unknown, runAt: number): Promise<void>
}

/**
 * A named kind of background work: delivery steps, purges, retention sweeps,
 * exports. Jobs run when the store's clock reaches their time, exactly once across
 * all nodes.
 */
export interface JobDefinition<P = unknown> {
  name: string
  /**
   * Transactional jobs run inside one transaction together with the removal of their
   * job row: their effects commit exactly once or not at all. Long jobs (exports)
   * set this to false, run outside a transaction and must be safe to run again.
   */
  transactional: boolean
  maxAttempts?: number
  handle(payload: P, ctx: JobContext): Promise<void>
}
