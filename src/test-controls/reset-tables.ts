/**
 * What a reset does with each table of the schema. Every table the database holds must
 * appear in exactly one list below: test/e2e/reset.test.ts reads the live schema (SQLite's
 * catalog, PostgreSQL's information_schema) and fails on a table that is in none, so a
 * table added later is either cleared or kept on purpose, never forgotten.
 */

/**
 * Mailbox data, emptied by every reset. Children before parents (foreign keys). Each
 * names how its rows are found for one account: its own `account_id`, or its parent's.
 */
export const MAILBOX_TABLES = [
  { table: 'attachments', account: 'account_id' },
  // Every change of a message (migration 0013): it outlives the message, not its mailbox.
  { table: 'message_history', account: 'account_id' },
  { table: 'message_tombstones', account: 'account_id' },
  { table: 'messages', account: 'account_id' },
  { table: 'conversations', account: 'account_id' },
  { table: 'export_archives', account: 'account_id' },
  { table: 'export_tasks', account: 'account_id' },
  // The mirror's sync tokens and counts (migration 0012): emptied mailboxes are mirrored
  // again from a full sync.
  { table: 'mirror_mailboxes', account: 'account_id' },
] as const

/**
 * Subscriptions (notifications): emptied by every reset, children first, like the
 * mailbox tables. The single place where their tables are listed when they exist.
 */
export const SUBSCRIPTION_TABLES: readonly { table: string; account: string }[] = [
  { table: 'notification_outbox', account: 'account_id' },
  { table: 'subscriptions', account: 'account_id' },
]

/**
 * Store-wide work and controls, emptied by a reset of the whole store: scheduled work
 * (the sweeps are scheduled again at once), fault rules, and webhook deliveries (queued and
 * attempted; they name a subscription, not an account). A reset of one account
 * leaves them: a job of that account finds its message gone and does nothing.
 */
export const STORE_WORK_TABLES = ['jobs', 'fault_rules', 'webhook_queue', 'webhook_deliveries'] as const

/** Attachment bytes: released through the blob store once no attachment refers to them. */
export const BLOB_TABLES = ['blobs', 'blob_chunks'] as const

/**
 * Kept by `{ "keep": "accounts" }` and dropped by `{ "keep": "nothing" }`, children
 * first. `mailboxes` stays with its extension: its change number only grows, so that a
 * page or sync token of before the reset is never taken for one of after it.
 */
export const ACCOUNT_TABLES = [
  'oauth_tokens',
  'oauth_sessions',
  'mailboxes',
  'phone_numbers',
  'department_members',
  'extensions',
  'accounts',
  'apps',
] as const

/** Never touched: server keys and settings, the shared clock, the notification cursor, and the migrator's own tables. */
export const KEPT_TABLES = [
  'meta',
  'notification_state',
  'kysely_migration',
  'kysely_migration_lock',
] as const

export const CLASSIFIED_TABLES: readonly string[] = [
  ...MAILBOX_TABLES.map((t) => t.table),
  ...SUBSCRIPTION_TABLES.map((t) => t.table),
  ...STORE_WORK_TABLES,
  ...BLOB_TABLES,
  ...ACCOUNT_TABLES,
  ...KEPT_TABLES,
]
