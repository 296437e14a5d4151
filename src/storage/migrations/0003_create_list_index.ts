import type { Kysely } from 'kysely'

/**
 * The index behind listMessages. It leads with the mailbox and availability (every
 * list filters on both), then time for the range and the newest-first order, and
 * carries the other filter columns, so that counting a page's total reads the index
 * alone and only the rows of the page itself are fetched.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('messages_list')
    .on('messages')
    .columns([
      'extension_id',
      'availability',
      'creation_time',
      'id',
      'type',
      'read_status',
      'direction',
      'conversation_id',
    ])
    .execute()
  await db.schema.dropIndex('messages_mailbox_time').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('messages_mailbox_time')
    .on('messages')
    .columns(['extension_id', 'creation_time', 'id'])
    .execute()
  await db.schema.dropIndex('messages_list').execute()
}
