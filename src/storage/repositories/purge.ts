import { type Kysely, sql } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { DB } from '../schema.js'

/**
 * What the life-cycle sweep finds due: Deleted messages by `deleted_at` (to purge) and
 * Purged ones by `purged_at` (to remove). The availability is spelt as a literal so
 * that the partial index over each (migration 0004) serves the query.
 */

export type Stage = 'Deleted' | 'Purged'

const SINCE = { Deleted: 'deleted_at', Purged: 'purged_at' } as const

/**
 * A mailbox holding a message of `stage` that entered it at or before `cutoff`: a scan
 * of the whole store (one of the cross-account statements of storage/tenancy.ts).
 */
export async function mailboxWithDue(
  db: Kysely<DB>,
  stage: Stage,
  cutoff: number,
): Promise<MailboxKey | undefined> {
  const since = SINCE[stage]
  const row = await db
    .selectFrom('messages')
    .select(['account_id', 'extension_id'])
    .where('availability', '=', sql.lit(stage))
    .where(since, '<=', cutoff)
    .orderBy(since)
    .limit(1)
    .executeTakeFirst()
  return row ? { accountId: row.account_id, extensionId: row.extension_id } : undefined
}

/** Up to `limit` messages of one mailbox in `stage` since `cutoff` or earlier, with the time they entered it. */
export async function dueInMailbox(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  stage: Stage,
  cutoff: number,
  limit: number,
): Promise<{ id: number; since: number }[]> {
  const since = SINCE[stage]
  const rows = await db
    .selectFrom('messages')
    .select(['id', `${since} as since`])
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('availability', '=', sql.lit(stage))
    .where(since, '<=', cutoff)
    .orderBy(since)
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: Number(r.id), since: Number(r.since) }))
}

/** When the earliest message now in `stage` entered it, in the whole store (cross-account). */
export async function earliestIn(db: Kysely<DB>, stage: Stage): Promise<number | undefined> {
  const since = SINCE[stage]
  const row = await db
    .selectFrom('messages')
    .select(since)
    .where('availability', '=', sql.lit(stage))
    .where(since, 'is not', null)
    .orderBy(since)
    .limit(1)
    .executeTakeFirst()
  const value = row?.[since]
  return value === null || value === undefined ? undefined : Number(value)
}
