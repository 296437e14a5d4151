import type { ColumnDefinitionBuilder, Kysely } from 'kysely'
import { sql } from 'kysely'
import { idColumn, keysLeadWithAccount } from './column-types.js'

/**
 * For the web inbox:
 *
 * - `messages_outbox`, a partial index of a mailbox's Outbox (alive outbound messages
 *   still `Queued` or `SendingFailed`, RingCentral's folder rule): the Outbox is listed
 *   and counted from it without reading the mailbox's sent messages, whose delivery
 *   state is not in the list index. Queries name the same literal condition; its
 *   columns repeat the condition's equalities so that a planner without statistics
 *   (SQLite's) prefers it to the list index, which matches one column fewer.
 * - `message_history`, every change of a message as the store made it: one row per
 *   change number a message takes (created, a delivery step, read status, delete,
 *   restore, purge, removal), with the state after it and its store time. Written in
 *   the transaction of the change; kept when the message is purged or removed.
 */
const IDENTITY = [
  sql`bigint`,
  (c: ColumnDefinitionBuilder) => c.notNull().generatedByDefaultAsIdentity(),
] as const

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('messages_outbox')
    .on('messages')
    .columns(['account_id', 'extension_id', 'availability', 'direction', 'creation_time', 'id'])
    .where(
      sql<boolean>`availability = 'Alive' and direction = 'Outbound' and message_status in ('Queued', 'SendingFailed')`,
    )
    .execute()

  // The identity column alone is the key on SQLite (its rowid); on PostgreSQL the key
  // leads with the account, like every distributed table's (migration 0006).
  const accountKeyed = keysLeadWithAccount(db)
  let table = db.schema
    .createTable('message_history')
    .addColumn('id', ...(accountKeyed ? IDENTITY : idColumn(db)))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('availability', 'text')
    .addColumn('read_status', 'text')
    .addColumn('message_status', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
  if (accountKeyed) table = table.addPrimaryKeyConstraint('message_history_pkey', ['account_id', 'id'])
  await table.execute()
  await db.schema
    .createIndex('message_history_message')
    .on('message_history')
    .columns(['account_id', 'message_id', 'change_seq'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('message_history').execute()
  await db.schema.dropIndex('messages_outbox').execute()
}
