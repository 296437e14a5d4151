import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { bytesType, idColumn, isPostgres } from './column-types.js'

/**
 * Notifications: subscriptions, the outbox every mailbox change writes into in its own
 * transaction, the queue of webhook deliveries fanned out from it, and a short history
 * of delivery attempts for the admin API.
 *
 * The outbox row is the source of truth: a node pushes it to its WebSocket sessions
 * when it reads it, and the one node holding `notification_state`'s row turns it into
 * webhook queue rows (`fanned_out`), so a committed change is announced even if every
 * node died right after the commit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('verification_token', 'text')
    .addColumn('event_filters', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_in', 'bigint', (c) => c.notNull())
    .addColumn('blacklisted_at', 'bigint')
    .addColumn('blacklist_reason', 'text')
    .addColumn('failing_since', 'bigint')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_delivery_at', 'bigint')
    .addColumn('last_delivery_status', 'text')
    .addColumn('reminded_at', 'bigint')
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('delivering_until', 'bigint')
    .execute()
  await db.schema
    .createIndex('subscriptions_owner')
    .on('subscriptions')
    .columns(['account_id', 'extension_id'])
    .execute()

  await db.schema
    .createTable('notification_outbox')
    .addColumn('id', ...idColumn(db))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('extension_id', 'text', (c) => c.notNull())
    .addColumn('txn', 'text', (c) => c.notNull())
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('message_type', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('record', bytesType(db))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('posted_at', 'bigint', (c) => c.notNull())
    .addColumn('fanned_out', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('notification_outbox_pending')
    .on('notification_outbox')
    .columns(['fanned_out', 'id'])
    .execute()
  await db.schema
    .createIndex('notification_outbox_posted')
    .on('notification_outbox')
    .columns(['posted_at'])
    .execute()

  await db.schema
    .createTable('webhook_queue')
    .addColumn('id', ...idColumn(db))
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_queue_subscription')
    .on('webhook_queue')
    .columns(['subscription_id', 'id'])
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', ...idColumn(db))
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_subscription')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'id'])
    .execute()

  // One row: the node that locks it fans the outbox out to webhook queues, one at a time.
  await db.schema
    .createTable('notification_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .execute()
  await db.insertInto('notification_state').values({ id: 1 }).execute()

  if (isPostgres(db)) {
    // A wake-up for every node's dispatcher when outbox rows commit; the rows stay the truth.
    await sql`create or replace function msgstore_outbox_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('msgstore_outbox', ''); return null; end $$`.execute(db)
    await sql`create trigger notification_outbox_notify after insert on notification_outbox
      for each statement execute function msgstore_outbox_notify()`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`drop function if exists msgstore_outbox_notify() cascade`.execute(db)
  await db.schema.dropTable('notification_state').execute()
  await db.schema.dropTable('webhook_deliveries').execute()
  await db.schema.dropTable('webhook_queue').execute()
  await db.schema.dropTable('notification_outbox').execute()
  await db.schema.dropTable('subscriptions').execute()
}
