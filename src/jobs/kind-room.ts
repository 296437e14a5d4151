import type { Kysely, Transaction } from 'kysely'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import { type ClaimedJob, claimDueJobs, countLiveClaims, namesDue } from '../storage/repositories/jobs.js'
import type { DB } from '../storage/schema.js'

/**
 * Taking standalone jobs no faster than their kind allows: at most `concurrency(name)` live
 * claims on jobs of one name, across every runner on the store.
 */

/**
 * Where one process has the store (SQLite): claims, kind by kind, the due jobs of `names`
 * there is room for, each kind counted and claimed in one transaction (SQLite runs one
 * writer at a time, and `--shared-store` begins it IMMEDIATE), leased until `leaseMs` from now.
 */
export async function claimWithRoom(
  db: Kysely<DB>,
  dialect: DialectInfo,
  names: readonly string[],
  concurrency: (name: string) => number,
  now: number,
  leaseMs: number,
): Promise<ClaimedJob[]> {
  const claimed: ClaimedJob[] = []
  for (const name of await namesDue(db, names, now, Date.now())) {
    const jobs = await db.transaction().execute(async (trx) => {
      const leaseNow = Date.now()
      const room = concurrency(name) - (await countLiveClaims(trx, name, leaseNow))
      if (room <= 0) return []
      return claimDueJobs(trx, dialect, now, leaseNow, leaseMs, room, { only: [name] })
    })
    claimed.push(...jobs)
  }
  return claimed
}

/**
 * Where rows can be locked (PostgreSQL): whether the job locked in `trx` may start beside
 * the live claims of its kind. Counted under a lock of the kind's name held until commit,
 * so two nodes cannot both take the last place.
 */
export async function kindHasRoom(
  trx: Transaction<DB>,
  dialect: DialectInfo,
  job: ClaimedJob,
  concurrency: number,
  leaseNow: number,
): Promise<boolean> {
  await dialect.lockUntilCommit?.(trx, `jobs:${job.name}`)
  return (await countLiveClaims(trx, job.name, leaseNow, job.id)) < concurrency
}
