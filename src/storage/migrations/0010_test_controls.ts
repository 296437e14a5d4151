import type { Kysely } from 'kysely'
import { idColumn } from './column-types.js'

/**
 * Test controls.
 *
 * - `mailboxes.sync_floor`: ISync refuses a sync token whose change number lies below
 *   it. Expiring a mailbox's sync tokens (and resetting it) takes one change number and
 *   raises the floor to it, so every token issued before is refused and the next FSync
 *   issues one at or above it.
 * - `fault_rules`: the fault rules of the admin API, kept in the database so that every
 *   node sharing it applies the same rules and counts `times` and `probability` draws
 *   together (`hits` numbers the matching requests; `remaining` is null when unlimited).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('mailboxes')
    .addColumn('sync_floor', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  const [idType, idDefinition] = idColumn(db)
  await db.schema
    .createTable('fault_rules')
    .addColumn('id', idType, idDefinition)
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('remaining', 'bigint')
    .addColumn('hits', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('fault_rules').execute()
  await db.schema.alterTable('mailboxes').dropColumn('sync_floor').execute()
}
