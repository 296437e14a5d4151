import type { Kysely } from 'kysely'
import { DEAD } from '../storage/repositories/jobs.js'
import type { DB } from '../storage/schema.js'

/** Every message row in the store: one count over the smallest index, at scrape time only. */
export async function countStoredMessages(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Jobs that are due on the store clock (the `jobs_due` index), dead ones aside. */
export async function countDueJobs(db: Kysely<DB>, now: number): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('run_at', '<=', now)
    .where('run_at', '<', DEAD)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Jobs whose last attempt failed: those that will be tried again, and those that gave up. */
export async function countFailedJobs(db: Kysely<DB>): Promise<{ retrying: number; dead: number }> {
  const count = async (dead: boolean) => {
    const row = await db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('last_error', 'is not', null)
      .where('run_at', dead ? '>=' : '<', DEAD)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
  return { retrying: await count(false), dead: await count(true) }
}
