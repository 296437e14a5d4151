import type { Kysely } from 'kysely'

/**
 * Tombstones are pruned once older than the sync horizon (services/lifecycle.ts).
 *
 * - `mailboxes.pruned_seq`: the highest change sequence number of the mailbox's pruned
 *   tombstones. A sync token that has not reached it may have missed a removal, so an
 *   ISync with it asks for a new FSync (services/sync.ts).
 * - An index of tombstones by removal time, to find what the horizon has passed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('mailboxes')
    .addColumn('pruned_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('message_tombstones_removed_at')
    .on('message_tombstones')
    .column('removed_at')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('message_tombstones_removed_at').execute()
  await db.schema.alterTable('mailboxes').dropColumn('pruned_seq').execute()
}
