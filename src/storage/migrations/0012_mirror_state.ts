import type { Kysely } from 'kysely'

/**
 * `msgstore mirror`'s state, one row per mirrored mailbox, in the database so that a
 * restarted mirror resumes from its sync token and the serving process can report it
 * (`GET /admin/v1/mirror`, `/metrics`). Keyed by the local account and the extension id
 * (the source's, kept here); `source` is the source server's URL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mirror_mailboxes')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('extension_number', 'text')
    .addColumn('sync_token', 'text')
    .addColumn('token_issued_at', 'bigint')
    .addColumn('last_sync_at', 'bigint')
    .addColumn('last_full_sync_at', 'bigint')
    .addColumn('messages_mirrored', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('attachments_mirrored', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .addPrimaryKeyConstraint('mirror_mailboxes_pkey', ['account_id', 'extension_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mirror_mailboxes').execute()
}
