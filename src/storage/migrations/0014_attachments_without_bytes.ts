import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/**
 * `attachments_without_bytes`: the attachments whose bytes are not kept yet, which only
 * `msgstore mirror` and `msgstore import` leave for a moment (the record first, the bytes
 * after). The mirror asks for them after each sync of a mailbox; without this partial
 * index that read walked every attachment of the account, which on a large account
 * held a new message back from its local copy for longer than its notification's
 * second. Attachments written with their bytes never enter it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('attachments_without_bytes')
    .on('attachments')
    .columns(['account_id', 'message_id', 'id'])
    .where(sql<boolean>`blob_key is null`)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attachments_without_bytes').execute()
}
