import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'
import { enqueueJob } from './jobs.js'

/**
 * Jobs that exist exactly once (the sweeps): each run enqueues its successor in the
 * transaction that deletes its own row, so once one row exists there is always exactly
 * one. Creating the first is the only race, between nodes starting together: it runs
 * behind a write to the job's `meta` row, which on PostgreSQL holds that row locked
 * until commit (a second node waits, then sees the first node's job) and on SQLite
 * takes the single write lock.
 */
export async function ensureSingletonJob(
  db: Kysely<DB>,
  name: string,
  /** Encoded, as jobs/job.ts `encodePayload` does. */
  payload: string,
  runAt: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('meta')
      .values({ key: `job:${name}`, value: 'singleton' })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: 'singleton' }))
      .execute()
    const existing = await trx.selectFrom('jobs').select('id').where('name', '=', name).executeTakeFirst()
    if (existing) await wake(trx, name, runAt)
    else await enqueueJob(trx, name, payload, runAt)
  })
}

/**
 * Makes a singleton job due by `runAt` if it is set later (a failed one included, so
 * a restart revives a sweep that gave up). Its payload and claim stay as they are.
 */
export async function wakeSingletonJob(db: Kysely<DB>, name: string, runAt: number): Promise<void> {
  await wake(db, name, runAt)
}

async function wake(db: Kysely<DB>, name: string, runAt: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ run_at: runAt })
    .where('name', '=', name)
    .where('run_at', '>', runAt)
    .execute()
}
