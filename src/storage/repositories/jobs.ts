import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely'
import type { DialectInfo } from '../dialects/dialect.js'
import type { DB } from '../schema.js'

export interface ClaimedJob {
  id: number
  name: string
  payload: string
  attempts: number
}

/** Far future: a job that failed for good stays, visible, but is never due again. */
export const DEAD = 8_000_000_000_000_000

/** Adds a job row, its payload already encoded (jobs/job.ts `enqueue` is the typed way in). */
export async function enqueueJob(
  db: Kysely<DB>,
  name: string,
  payload: string,
  runAt: number,
): Promise<void> {
  await db.insertInto('jobs').values({ name, payload, run_at: runAt, attempts: 0 }).execute()
}

/** Removes a job that ran in the transaction that locked its row. */
export async function deleteJob(trx: Transaction<DB>, id: number): Promise<void> {
  await trx.deleteFrom('jobs').where('id', '=', id).execute()
}

/** No live claim holds the job: never claimed, released, or its lease lapsed before `leaseNow` (real time). */
function unclaimed(leaseNow: number) {
  return (eb: ExpressionBuilder<DB, 'jobs'>) =>
    eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', leaseNow)])
}

/** Which jobs a claim may take, by name: only these, or any but these. */
export type JobNames = { only: readonly string[] } | { except: readonly string[] }

/**
 * Claims up to `limit` jobs due at `now` (store clock) whose lease has lapsed
 * (`leaseNow`, real time). Claiming raises `attempts`, which also serves as the claim's
 * version: only the holder of the latest claim can complete the job. On PostgreSQL
 * `FOR UPDATE SKIP LOCKED` lets several nodes claim at once without taking the same job.
 */
export async function claimDueJobs(
  db: Kysely<DB>,
  dialect: DialectInfo,
  now: number,
  leaseNow: number,
  leaseMs: number,
  limit: number,
  names: JobNames,
): Promise<ClaimedJob[]> {
  let due = db
    .selectFrom('jobs')
    .select('id')
    .where('run_at', '<=', now)
    .where(unclaimed(leaseNow))
    .orderBy('run_at')
    .orderBy('id')
    .limit(limit)
  if ('only' in names) due = due.where('name', 'in', names.only)
  else if (names.except.length) due = due.where('name', 'not in', names.except)
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), locked_until: leaseNow + leaseMs }))
    .where('id', 'in', dialect.supportsRowLocks ? due.forUpdate().skipLocked() : due)
    .returning(['id', 'name', 'payload', 'attempts'])
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    payload: r.payload,
    attempts: Number(r.attempts),
  }))
}

/** Removes a finished job if this claim still holds it; false when another claim took over. */
export async function completeJob(db: Kysely<DB>, job: ClaimedJob): Promise<boolean> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

/** Extends the claim's lease; false when the claim is gone (completed, or taken over after it lapsed). */
export async function renewClaim(db: Kysely<DB>, job: ClaimedJob, until: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: until })
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempts)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Gives a claim up before its lease lapses (its node is stopping), so the job is free again at once. */
export async function releaseClaim(db: Kysely<DB>, job: ClaimedJob): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ locked_until: null })
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempts)
    .execute()
}

/** Which of `names` have jobs due at `now` and free to claim (no live lease at `leaseNow`). */
export async function namesDue(
  db: Kysely<DB>,
  names: readonly string[],
  now: number,
  leaseNow: number,
): Promise<string[]> {
  if (names.length === 0) return []
  const rows = await db
    .selectFrom('jobs')
    .select('name')
    .distinct()
    .where('name', 'in', names)
    .where('run_at', '<=', now)
    .where(unclaimed(leaseNow))
    .execute()
  return rows.map((r) => r.name)
}

export async function retryJob(db: Kysely<DB>, job: ClaimedJob, runAt: number, error: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ run_at: runAt, locked_until: null, last_error: error.slice(0, 2000) })
    .where('id', '=', job.id)
    .where('attempts', '=', job.attempts)
    .execute()
}

/**
 * Clears every claim, for a store with a single node that is starting: claims left by a
 * process that died would otherwise hold their jobs until the lease ran out. A claim
 * still in use cannot be completed twice anyway (completeJob checks its version).
 */
export async function releaseJobLeases(db: Kysely<DB>): Promise<void> {
  await db.updateTable('jobs').set({ locked_until: null }).where('locked_until', 'is not', null).execute()
}

/** How many live claims (leases not lapsed at `leaseNow`) jobs named `name` have, but for job `exceptId`. */
export async function countLiveClaims(
  db: Kysely<DB>,
  name: string,
  leaseNow: number,
  exceptId?: number,
): Promise<number> {
  let query = db
    .selectFrom('jobs')
    .select(sql<number>`count(*)`.as('n'))
    .where('name', '=', name)
    .where('locked_until', '>=', leaseNow)
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId)
  const row = await query.executeTakeFirstOrThrow()
  return Number(row.n)
}

/** How many jobs are due at `now` and not failed for good (claimed or not). */
export async function countDueJobs(db: Kysely<DB>, now: number): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select(sql<number>`count(*)`.as('n'))
    .where('run_at', '<=', now)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Locks the next due job inside the caller's transaction (PostgreSQL): the row stays
 * locked while the job runs in that transaction, other nodes skip it, and if the
 * process dies the database drops the lock with the connection, so the job is free
 * again at once rather than when a lease would run out.
 */
export async function lockNextDueJob(
  trx: Transaction<DB>,
  now: number,
  leaseNow: number,
  /** Names not to take (kinds already running as many jobs as they may). */
  skip: readonly string[],
): Promise<ClaimedJob | undefined> {
  let query = trx
    .selectFrom('jobs')
    .select(['id', 'name', 'payload', 'attempts'])
    .where('run_at', '<=', now)
    .where(unclaimed(leaseNow))
  if (skip.length) query = query.where('name', 'not in', skip)
  const row = await query.orderBy('run_at').orderBy('id').limit(1).forUpdate().skipLocked().executeTakeFirst()
  return row && { id: Number(row.id), name: row.name, payload: row.payload, attempts: Number(row.attempts) }
}

/** Turns a locked job into a leased claim, for work that runs outside the transaction. */
export async function leaseLockedJob(
  trx: Transaction<DB>,
  job: ClaimedJob,
  until: number,
): Promise<ClaimedJob> {
  await trx
    .updateTable('jobs')
    .set({ attempts: job.attempts + 1, locked_until: until })
    .where('id', '=', job.id)
    .execute()
  return { ...job, attempts: job.attempts + 1 }
}

/** Records a failed run of a job that was locked, not leased: one more attempt, and when to retry. */
export async function failLockedJob(db: Kysely<DB>, id: number, runAt: number, error: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      run_at: runAt,
      locked_until: null,
      last_error: error.slice(0, 2000),
    }))
    .where('id', '=', id)
    .execute()
}
