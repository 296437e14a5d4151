/**
 * How the store's tables divide between accounts, for an installation that shards by
 * account (Citus: see "Sharding by account" in docs/postgresql.md). One list, read by the
 * `create_distributed_table` calls of docs/postgresql.md (test/unit/tenancy.test.ts checks they
 * match), by the catalog test of the keys (test/e2e/tenancy-keys.test.ts) and by the
 * test that every statement on these tables names `account_id`
 * (test/e2e/tenancy-statements.test.ts).
 */

/** Tenant data, distributed by the named column; every primary, unique and foreign key includes it. */
export const DISTRIBUTED_TABLES = {
  accounts: 'id',
  extensions: 'account_id',
  department_members: 'account_id',
  phone_numbers: 'account_id',
  mailboxes: 'account_id',
  conversations: 'account_id',
  messages: 'account_id',
  attachments: 'account_id',
  message_tombstones: 'account_id',
  // Every change of a message, for the web inbox (migration 0013).
  message_history: 'account_id',
} as const

export type DistributedTable = keyof typeof DISTRIBUTED_TABLES

/**
 * Small, read on almost every request, written rarely: a copy on every node.
 * `apps` (OAuth clients) and `meta` (keys, settings).
 */
export const REFERENCE_TABLES = ['apps', 'meta'] as const

/**
 * Kept whole on the coordinator: they are looked up by a key that names no account
 * (a token's hash, a blob's digest shared by identical bytes in any account), or they
 * are the bookkeeping of background work, claimed and leased across the whole store
 * (jobs, export tasks and their archives: a few rows per export, never per message).
 */
export const LOCAL_TABLES = [
  'oauth_sessions',
  'oauth_tokens',
  'blobs',
  'blob_chunks',
  'jobs',
  'export_tasks',
  'export_archives',
  // Test controls' fault rules (migration 0010): store-wide, matched by path, never by account.
  'fault_rules',
  // Notifications: subscriptions are found by id or by the mailbox a change names, the
  // outbox and the webhook queue are read in commit order for the whole store.
  'subscriptions',
  'notification_outbox',
  'webhook_queue',
  'webhook_deliveries',
  'notification_state',
  // msgstore mirror's state (migration 0012): a few rows per mirrored extension, read
  // store-wide by the status route and the metrics scrape.
  'mirror_mailboxes',
] as const

/**
 * Statements that touch a distributed table without naming one account, on purpose:
 * each finds the account first, or checks something for the whole store, or sweeps the
 * whole store in the background. Matched against the SQL text with placeholders read as
 * `?` and spaces collapsed; the statement test fails on any other such statement.
 */
export const CROSS_ACCOUNT_STATEMENTS: readonly { why: string; match: RegExp }[] = [
  {
    why: 'login by phone number, and provisioning: a number belongs to one owner in the whole store',
    match:
      /^select "(account_id|extension_id)"(, "extension_id")? from "phone_numbers" where "phone_number" = \?$/,
  },
  {
    why: 'login by the account main number, and provisioning: a main number is unique in the store',
    match: /^select "id" from "accounts" where "main_number" = \?$/,
  },
  {
    why: 'provisioning: a company number (migration 0009) is unique in the whole store',
    match: /^select "id", "main_number", "company_numbers" from "accounts" where "company_numbers" like \?$/,
  },
  {
    why: 'provisioning: extension ids are unique in the whole store',
    match: /^select (\*|"id") from "extensions" where "id" = \?$/,
  },
  {
    why: 'a delivery step or scheduled fax enqueued before migration 0006 names no account',
    match: /^select "account_id" from "mailboxes" where "extension_id" = \?$/,
  },
  {
    why: 'the life-cycle sweep finds the next due mailbox, and when the next message comes due',
    match:
      /^select ("account_id", "extension_id"|"deleted_at"|"purged_at") from "messages" where "availability" = '(Deleted|Purged)'/,
  },
  {
    why: 'the life-cycle sweep finds the next mailbox with tombstones past the sync horizon, and when the oldest comes due',
    match:
      /^select ("account_id", "extension_id"|"removed_at") from "message_tombstones" (where "removed_at" <= \? )?order by "removed_at" limit \?$/,
  },
  {
    why: 'the retention sweep walks the accounts in id order',
    match:
      /^select "id", "hipaa", "retention_period" from "accounts" (where "id" > \? )?order by "id" limit \?$/,
  },
  {
    why: 'the retention sweep walks mailboxes changed since their last check, across accounts',
    match: /^select "account_id", "extension_id" from "mailboxes" where "change_seq" > "retention_seq"/,
  },
  {
    why: 'identical bytes are stored once for the store: a blob is freed only when no attachment of any account references it',
    match: /^select "id" from "attachments" where "blob_key" = \? limit \?$/,
  },
  {
    why: 'an export plans on a snapshot of the store’s message id sequence',
    match: /^select max\("id"\) as "id" from "messages"$/,
  },
]
