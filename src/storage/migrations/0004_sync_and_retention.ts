import { type Kysely, sql } from 'kysely'

/**
 * Message sync and the clock-driven life cycle.
 *
 * - `mailboxes.retention_seq`: the change sequence number up to which the mailbox's
 *   size limits were last enforced; a mailbox whose `change_seq` moved past it is
 *   checked again (see services/retention.ts).
 * - `message_tombstones` keep the columns that decide whether a removed message lay in
 *   a sync frame (type, direction, conversation, creation time), so that an ISync
 *   reports a removal only to the frames it concerns, and a distinct-conversations
 *   frame learns which conversation lost a message.
 * - Partial indexes over what comes due: Deleted messages by `deleted_at`, Purged ones by
 *   `purged_at`, and faxes and voicemail by account, direction and creation time for
 *   the retention periods. Queries must spell the same literals to use them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('mailboxes')
    .addColumn('retention_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()
  for (const [column, type] of [
    ['type', 'text'],
    ['direction', 'text'],
    ['conversation_id', 'bigint'],
    ['creation_time', 'bigint'],
  ] as const) {
    await db.schema.alterTable('message_tombstones').addColumn(column, type).execute()
  }
  await db.schema
    .createIndex('messages_deleted_due')
    .on('messages')
    .column('deleted_at')
    .where(sql.ref('availability'), '=', 'Deleted')
    .execute()
  await db.schema
    .createIndex('messages_purged_due')
    .on('messages')
    .column('purged_at')
    .where(sql.ref('availability'), '=', 'Purged')
    .execute()
  await db.schema
    .createIndex('messages_fax_age')
    .on('messages')
    .columns(['account_id', 'direction', 'creation_time'])
    .where(sql.ref('type'), '=', 'Fax')
    .execute()
  await db.schema
    .createIndex('messages_voicemail_age')
    .on('messages')
    .columns(['account_id', 'direction', 'creation_time'])
    .where(sql.ref('type'), '=', 'VoiceMail')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'messages_voicemail_age',
    'messages_fax_age',
    'messages_purged_due',
    'messages_deleted_due',
  ]) {
    await db.schema.dropIndex(index).execute()
  }
  for (const column of ['creation_time', 'conversation_id', 'direction', 'type']) {
    await db.schema.alterTable('message_tombstones').dropColumn(column).execute()
  }
  await db.schema.alterTable('mailboxes').dropColumn('retention_seq').execute()
}
