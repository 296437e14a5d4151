import { type Kysely, sql, type Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { DB } from '../schema.js'

/** A mailbox with a tombstone removed at or before `cutoff`, the oldest first. */
export async function mailboxWithOldTombstones(
  db: Kysely<DB>,
  cutoff: number,
): Promise<MailboxKey | undefined> {
  const row = await db
    .selectFrom('message_tombstones')
    .select(['account_id', 'extension_id'])
    .where('removed_at', '<=', cutoff)
    .orderBy('removed_at')
    .limit(1)
    .executeTakeFirst()
  return row ? { accountId: row.account_id, extensionId: row.extension_id } : undefined
}

/**
 * Deletes the mailbox's tombstones removed at or before `cutoff` and raises its
 * `pruned_seq` to the highest change number among them, in the caller's transaction
 * (which holds the mailbox row). Answers how many it deleted.
 */
export async function pruneTombstones(
  trx: Transaction<DB>,
  mailbox: MailboxKey,
  cutoff: number,
): Promise<number> {
  const old = trx
    .selectFrom('message_tombstones')
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('removed_at', '<=', cutoff)
  const found = await old
    .select([sql<number>`max(change_seq)`.as('high'), sql<number>`count(*)`.as('count')])
    .executeTakeFirst()
  const count = Number(found?.count ?? 0)
  if (count === 0) return 0
  const high = Number(found!.high)
  await trx
    .updateTable('mailboxes')
    .set({ pruned_seq: sql<number>`case when pruned_seq < ${high} then ${high} else pruned_seq end` })
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .execute()
  await trx
    .deleteFrom('message_tombstones')
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('removed_at', '<=', cutoff)
    .execute()
  return count
}

/** The oldest tombstone's removal time, if any. */
export async function earliestTombstone(db: Kysely<DB>): Promise<number | undefined> {
  const row = await db
    .selectFrom('message_tombstones')
    .select('removed_at')
    .orderBy('removed_at')
    .limit(1)
    .executeTakeFirst()
  return row ? Number(row.removed_at) : undefined
}

/** Up to which change number the mailbox's tombstones were pruned (0 when none were). */
export async function prunedSeq(db: Kysely<DB>, mailbox: MailboxKey): Promise<number> {
  const row = await db
    .selectFrom('mailboxes')
    .select('pruned_seq')
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .executeTakeFirst()
  return Number(row?.pruned_seq ?? 0)
}
