import type { Kysely } from 'kysely'

/**
 * Message store exports (createMessageStoreReport): a task per report and a row per
 * zip archive. Archive rows are planned (their attachment id ranges fixed) before any
 * is written, so that a task interrupted by a crash resumes with the archives it has
 * not finished and writes the same ones it planned.
 *
 * `attachments(account_id, id)` lets an export walk one account's attachments in id
 * order, page by page, without reading the other accounts'.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('export_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('date_from', 'bigint', (c) => c.notNull())
    .addColumn('date_to', 'bigint', (c) => c.notNull())
    .addColumn('message_types', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finish_time', 'bigint')
    .addColumn('snapshot_message_id', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('expires_at', 'bigint')
    .execute()
  await db.schema.createIndex('export_tasks_status').on('export_tasks').columns(['status']).execute()

  await db.schema
    .createTable('export_archives')
    .addColumn('task_id', 'text', (c) => c.notNull().references('export_tasks.id').onDelete('cascade'))
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('first_attachment_id', 'bigint')
    .addColumn('last_attachment_id', 'bigint')
    .addColumn('entries', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint')
    .addColumn('location', 'text')
    .addPrimaryKeyConstraint('export_archives_pk', ['task_id', 'idx'])
    .execute()

  await db.schema.createIndex('attachments_account').on('attachments').columns(['account_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attachments_account').execute()
  await db.schema.dropTable('export_archives').execute()
  await db.schema.dropTable('export_tasks').execute()
}
