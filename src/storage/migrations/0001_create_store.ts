import type { Kysely } from 'kysely'
import { bytesType, idColumn } from './column-types.js'

/**
 * The whole store's first schema. Frozen: later changes go into new migrations.
 *
 * Every table that holds tenant data carries `account_id`, so that a PostgreSQL
 * installation can shard by account (for example with Citus, `account_id` as the
 * distribution column). Times are integer milliseconds since the epoch (UTC).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('main_number', 'text')
    .addColumn('hipaa', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retention_period', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('extensions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('extension_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('extensions_number_unique', ['account_id', 'extension_number'])
    .execute()

  await db.schema
    .createTable('department_members')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('department_id', 'text', (c) => c.notNull().references('extensions.id'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('extensions.id'))
    .addPrimaryKeyConstraint('department_members_pk', ['department_id', 'member_id'])
    .execute()

  // A number belongs to one extension of one account; the account's main number is on `accounts`.
  await db.schema
    .createTable('phone_numbers')
    .addColumn('phone_number', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('extension_id', 'text', (c) => c.notNull().references('extensions.id'))
    .execute()
  await db.schema.createIndex('phone_numbers_extension').on('phone_numbers').column('extension_id').execute()

  await db.schema
    .createTable('apps')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('client_secret_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .execute()

  // One login; revoking any of its tokens ends it.
  await db.schema
    .createTable('oauth_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('apps.client_id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  // Only SHA-256 hashes of tokens are stored.
  await db.schema
    .createTable('oauth_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull().references('oauth_sessions.id').onDelete('cascade'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ttl', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('oauth_tokens_session').on('oauth_tokens').column('session_id').execute()

  // One mailbox per extension; `change_seq` numbers every change to it, for message sync.
  await db.schema
    .createTable('mailboxes')
    .addColumn('extension_id', 'text', (c) => c.primaryKey().references('extensions.id'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('participants', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('messages')
    .addColumn('id', ...idColumn(db))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('availability', 'text', (c) => c.notNull())
    .addColumn('read_status', 'text', (c) => c.notNull())
    .addColumn('message_status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('from_party', 'text')
    .addColumn('to_parties', 'text', (c) => c.notNull())
    // Digits of every party's number, comma-framed (",1650…,1415…,"), for the phoneNumber filter.
    .addColumn('party_digits', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'bigint')
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    // Type-prefixed and delivery fields, as a JSON object of the record's own names.
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('deleted_at', 'bigint')
    .addColumn('purged_at', 'bigint')
    // The message's API record, pre-rendered (see src/domain/message/record.ts).
    .addColumn('record', bytesType(db), (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('messages_mailbox_time')
    .on('messages')
    .columns(['extension_id', 'creation_time', 'id'])
    .execute()
  await db.schema
    .createIndex('messages_mailbox_change')
    .on('messages')
    .columns(['extension_id', 'change_seq'])
    .execute()
  await db.schema
    .createIndex('messages_mailbox_conversation')
    .on('messages')
    .columns(['extension_id', 'conversation_id', 'creation_time'])
    .execute()

  await db.schema
    .createTable('attachments')
    .addColumn('id', ...idColumn(db))
    .addColumn('message_id', 'bigint', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('blob_key', 'text')
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute()
  await db.schema.createIndex('attachments_message').on('attachments').column('message_id').execute()
  await db.schema.createIndex('attachments_blob').on('attachments').column('blob_key').execute()

  // Removed messages, so that message sync can report a removal after the row is gone.
  await db.schema
    .createTable('message_tombstones')
    .addColumn('message_id', 'bigint', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    .addColumn('removed_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('message_tombstones_mailbox_change')
    .on('message_tombstones')
    .columns(['extension_id', 'change_seq'])
    .execute()

  // Background work (delivery steps, purges, retention, exports), claimed when due on the store's clock.
  await db.schema
    .createTable('jobs')
    .addColumn('id', ...idColumn(db))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .execute()
  await db.schema.createIndex('jobs_due').on('jobs').columns(['run_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'jobs',
    'message_tombstones',
    'attachments',
    'messages',
    'conversations',
    'mailboxes',
    'oauth_tokens',
    'oauth_sessions',
    'apps',
    'phone_numbers',
    'department_members',
    'extensions',
    'accounts',
    'meta',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
