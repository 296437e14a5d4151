import type { Kysely, Transaction } from 'kysely'
import { enqueueJob } from '../storage/repositories/jobs.js'
import type { DB } from '../storage/schema.js'

/**
 * A kind of background work as it is stored: its name (kept in `jobs.name`: never rename
 * one), the type of its payload and the payload's version. Declared beside the use case
 * that enqueues it, apart from its handler, so that enqueuing needs no handler.
 */
export interface JobKind<P> {
  readonly name: string
  /** Raised when the payload's shape changes; older rows are brought up by `upgrade`. */
  readonly version: number
  /** The payload of a row written at an older `version`, in this version's shape. */
  readonly upgrade?: (stored: Record<string, unknown>, version: number) => P
}

export function jobKind<P extends object>(
  name: string,
  options: { version?: number; upgrade?: JobKind<P>['upgrade'] } = {},
): JobKind<P> {
  return Object.freeze({ name, version: options.version ?? 1, upgrade: options.upgrade })
}

export interface JobContext<D extends Kysely<DB> = Kysely<DB>> {
  /** The transaction the job's work runs in (transactional jobs), or the database. */
  db: D
  /** The store's clock, now. */
  now: number
  /** Adds a follow-up job in the same transaction. */
  enqueue<Q extends object>(kind: JobKind<Q>, payload: Q, runAt: number): Promise<void>
}

/**
 * What runs a kind of job: delivery steps, purges, retention sweeps, exports. Jobs run
 * when the store's clock reaches their time, exactly once across all nodes.
 */
export type JobDefinition<P> = TransactionalJob<P> | StandaloneJob<P>

interface JobBase<P> {
  kind: JobKind<P>
  maxAttempts?: number
}

/**
 * Runs inside one transaction together with the removal of its job row: its effects
 * commit exactly once or not at all. Its handler gets that transaction.
 */
export interface TransactionalJob<P> extends JobBase<P> {
  transactional: true
  handle(payload: P, ctx: JobContext<Transaction<DB>>): Promise<void>
}

/**
 * A long job (an export): runs outside a transaction, beside the runner's other work, under
 * a claim the runner keeps renewing while it runs. Must be safe to run again: a claim
 * ends with its node, and another node then takes the job over.
 */
export interface StandaloneJob<P> extends JobBase<P> {
  transactional: false
  /** How many jobs of this kind run at once, across all nodes (default 4); the others wait, due. */
  concurrency?: number
  handle(payload: P, ctx: StandaloneContext): Promise<void>
}

export interface StandaloneContext extends JobContext {
  claim: JobClaim
}

/** One node's claim on a standalone job, for one attempt. */
export interface JobClaim {
  /** Names this claim, unique across nodes and attempts: what the job writes as the owner of what it changes. */
  readonly token: string
  /** Which attempt this is, from 1. */
  readonly attempt: number
  /** No attempt follows if this one fails: the job must settle what it was doing (mark it failed). */
  readonly last: boolean
  /**
   * Aborted, with a `ClaimEnded` reason, when the claim is lost (another node took the job
   * over) or the runner stops. The job then stops where it is; it runs again from there.
   */
  readonly signal: AbortSignal
}

/** Thrown by (or for) a standalone job whose claim ended: not a failure, so not retried as one. */
export class ClaimEnded extends Error {}

/**
 * Adds a job. Call it with the transaction of the change that needs it, so both commit
 * or neither.
 */
export function enqueue<P extends object>(
  db: Kysely<DB>,
  kind: JobKind<P>,
  payload: P,
  runAt: number,
): Promise<void> {
  return enqueueJob(db, kind.name, encodePayload(kind, payload), runAt)
}

/**
 * The stored text of a payload. Version 1 payloads are stored bare, as rows written
 * before kinds had versions are; later versions carry theirs as `v`.
 */
export function encodePayload<P extends object>(kind: JobKind<P>, payload: P): string {
  return JSON.stringify(kind.version === 1 ? payload : { ...payload, v: kind.version })
}

/** A stored payload in the shape its kind's handler takes now. */
export function decodePayload<P>(kind: JobKind<P>, text: string): P {
  const stored = JSON.parse(text) as Record<string, unknown>
  const version = typeof stored.v === 'number' ? stored.v : 1
  if (version === kind.version) {
    if (version !== 1) delete stored.v
    return stored as P
  }
  if (version < kind.version && kind.upgrade) return kind.upgrade(stored, version)
  throw new Error(`${kind.name}: payload version ${version} cannot be read by version ${kind.version}`)
}
