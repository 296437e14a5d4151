import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'

/** Export tasks a stopped node left unfinished, found and handed back to the job runner (services/exports/recovery.ts). */

/**
 * Unfinished tasks that nothing will run: no live lease and no job that is still to
 * run (the job row is gone, or failed for good). A task always has a job row while it is
 * unfinished, so these are left over from crashes between steps.
 */
export async function tasksWithoutJob(
  db: Kysely<DB>,
  jobName: string,
  realNow: number,
  deadRunAt: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('export_tasks as t')
    .select('t.id')
    .where('t.status', 'in', ['Accepted', 'Pending', 'InProgress', 'AttemptFailed'])
    .where((eb) => eb.or([eb('t.lease_until', 'is', null), eb('t.lease_until', '<', realNow)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('jobs as j')
            .select('j.id')
            .where('j.name', '=', jobName)
            .where('j.payload', '=', sql<string>`'{"taskId":"' || t.id || '"}'`)
            .where('j.run_at', '<', deadRunAt),
        ),
      ),
    )
    .execute()
  return rows.map((r) => r.id)
}

/** Replaces a task's build jobs with one due at `runAt`. */
export async function requeueBuild(
  db: Kysely<DB>,
  jobName: string,
  /** The build job's encoded payload. */
  payload: string,
  runAt: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('jobs').where('name', '=', jobName).where('payload', '=', payload).execute()
    await trx.insertInto('jobs').values({ name: jobName, payload, run_at: runAt, attempts: 0 }).execute()
  })
}

/**
 * Tasks left unfinished by a node that stopped: `InProgress` with a lease that has
 * lapsed, or, with `anyOtherOwner` (a store only one server process opens), every
 * unfinished task not leased by `owner`. Their leases are cleared.
 */
export async function takeOrphanedTasks(
  db: Kysely<DB>,
  owner: string,
  realNow: number,
  anyOtherOwner: boolean,
): Promise<string[]> {
  let query = db
    .selectFrom('export_tasks')
    .select('id')
    .where('status', 'in', ['Accepted', 'Pending', 'InProgress', 'AttemptFailed'])
  query = anyOtherOwner
    ? query.where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '<>', owner)]))
    : query.where('status', '=', 'InProgress').where('lease_until', '<', realNow)
  const ids = (await query.execute()).map((r) => r.id)
  if (ids.length) {
    await db
      .updateTable('export_tasks')
      .set({ lease_owner: null, lease_until: null })
      .where('id', 'in', ids)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '<>', owner)]))
      .execute()
  }
  return ids
}
