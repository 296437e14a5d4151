import { type Kysely, sql } from 'kysely'
import { keysLeadWithAccount } from './column-types.js'

/**
 * Keys and indexes for sharding by account (the tables and their roles are listed in
 * src/storage/tenancy.ts; "Sharding by account" in docs/postgresql.md shows the Citus calls).
 *
 * - PostgreSQL: every primary key of a tenant table leads with `account_id`, and every
 *   foreign key between tenant tables carries it, as Citus requires of tables
 *   distributed by that column. Ids stay unique on their own (identity columns); the
 *   key only adds the account. SQLite keeps its keys (see keysLeadWithAccount).
 * - Both: sessions carry their extension's role and status (see addSessionRole).
 * - Both: the mailbox indexes lead with `(account_id, extension_id, …)`, since every
 *   mailbox query now names the account too; the list index stays covering, so a
 *   page's count still reads the index alone.
 */

/**
 * The mailbox indexes, rebuilt with the account in front of their old columns (the old
 * definitions are in 0001, 0003): [name, table, old columns].
 */
const INDEXES: [name: string, table: string, before: string[]][] = [
  [
    'messages_list',
    'messages',
    [
      'extension_id',
      'availability',
      'creation_time',
      'id',
      'type',
      'read_status',
      'direction',
      'conversation_id',
    ],
  ],
  ['messages_mailbox_change', 'messages', ['extension_id', 'change_seq']],
  ['messages_mailbox_conversation', 'messages', ['extension_id', 'conversation_id', 'creation_time']],
  ['message_tombstones_mailbox_change', 'message_tombstones', ['extension_id', 'change_seq']],
]

/**
 * Indexes that serve a foreign key: a delete of the parent finds the children through
 * them (attachments cascade when a message is removed). They must lead with the
 * foreign key's own columns, which carry `account_id` only where the keys do
 * (keysLeadWithAccount); on SQLite an index led by `account_id` could not serve the
 * single-column key, and each removed message would scan every attachment.
 */
const FOREIGN_KEY_INDEXES: [name: string, table: string, column: string][] = [
  ['attachments_message', 'attachments', 'message_id'],
  ['phone_numbers_extension', 'phone_numbers', 'extension_id'],
]

/** Primary keys: [table, constraint name, old columns, new columns]. */
const PRIMARY_KEYS: [table: string, name: string, before: string[], after: string[]][] = [
  ['extensions', 'extensions_pkey', ['id'], ['account_id', 'id']],
  [
    'department_members',
    'department_members_pk',
    ['department_id', 'member_id'],
    ['account_id', 'department_id', 'member_id'],
  ],
  ['phone_numbers', 'phone_numbers_pkey', ['phone_number'], ['account_id', 'phone_number']],
  ['mailboxes', 'mailboxes_pkey', ['extension_id'], ['account_id', 'extension_id']],
  ['conversations', 'conversations_pkey', ['id'], ['account_id', 'id']],
  ['messages', 'messages_pkey', ['id'], ['account_id', 'id']],
  ['attachments', 'attachments_pkey', ['id'], ['account_id', 'id']],
  ['message_tombstones', 'message_tombstones_pkey', ['message_id'], ['account_id', 'message_id']],
]

/** Foreign keys between tenant tables: [table, name, column, referenced table, referenced column, on delete]. */
const FOREIGN_KEYS: [
  table: string,
  name: string,
  column: string,
  refTable: string,
  refColumn: string,
  cascade: boolean,
][] = [
  ['attachments', 'attachments_message_id_fkey', 'message_id', 'messages', 'id', true],
  ['mailboxes', 'mailboxes_extension_id_fkey', 'extension_id', 'extensions', 'id', false],
  ['phone_numbers', 'phone_numbers_extension_id_fkey', 'extension_id', 'extensions', 'id', false],
  ['department_members', 'department_members_department_id_fkey', 'department_id', 'extensions', 'id', false],
  ['department_members', 'department_members_member_id_fkey', 'member_id', 'extensions', 'id', false],
]

const cols = (names: string[]) => sql.join(names.map((n) => sql.ref(n)))

async function rebuildIndexes(db: Kysely<any>, which: 'before' | 'after'): Promise<void> {
  const keyed = keysLeadWithAccount(db)
  type Rebuild = [name: string, table: string, before: string[], after: string[]]
  const all: Rebuild[] = [
    ...INDEXES.map(([name, table, before]): Rebuild => [name, table, before, ['account_id', ...before]]),
    ...FOREIGN_KEY_INDEXES.map(
      ([name, table, column]): Rebuild => [name, table, [column], keyed ? ['account_id', column] : [column]],
    ),
  ]
  for (const [name, table, before, after] of all) {
    await db.schema.dropIndex(name).execute()
    await db.schema
      .createIndex(name)
      .on(table)
      .columns(which === 'after' ? after : before)
      .execute()
  }
}

async function rekey(db: Kysely<any>, which: 'before' | 'after'): Promise<void> {
  // Foreign keys first: they depend on the unique index of the key they reference.
  for (const [table, name] of FOREIGN_KEYS) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(name)}`.execute(db)
  }
  for (const [table, name, before, after] of PRIMARY_KEYS) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(name)}`.execute(db)
    const columns = which === 'after' ? after : before
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(name)} primary key (${cols(columns)})`.execute(
      db,
    )
  }
  for (const [table, name, column, refTable, refColumn, cascade] of FOREIGN_KEYS) {
    const [from, to] =
      which === 'after'
        ? [
            ['account_id', column],
            ['account_id', refColumn],
          ]
        : [[column], [refColumn]]
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(name)}
      foreign key (${cols(from)}) references ${sql.table(refTable)} (${cols(to)})${sql.raw(cascade ? ' on delete cascade' : '')}`.execute(
      db,
    )
  }
}

/**
 * Each session carries its extension's role and status, kept in step by provisioning, so
 * that authenticating a request reads the token's tables alone: it no longer joins
 * `extensions`, a tenant table it could name no account for.
 */
async function addSessionRole(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oauth_sessions').addColumn('role', 'text').execute()
  await db.schema.alterTable('oauth_sessions').addColumn('status', 'text').execute()
  const extension = sql`from extensions e
    where e.account_id = oauth_sessions.account_id and e.id = oauth_sessions.extension_id`
  await sql`update oauth_sessions set role = (select e.role ${extension}),
    status = (select e.status ${extension})`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  await addSessionRole(db)
  if (keysLeadWithAccount(db)) {
    await rekey(db, 'after')
    // The primary key (account_id, id) now serves what this index did (migration 0005).
    await db.schema.dropIndex('attachments_account').execute()
  }
  await rebuildIndexes(db, 'after')
}

export async function down(db: Kysely<any>): Promise<void> {
  await rebuildIndexes(db, 'before')
  if (keysLeadWithAccount(db)) {
    await db.schema
      .createIndex('attachments_account')
      .on('attachments')
      .columns(['account_id', 'id'])
      .execute()
    await rekey(db, 'before')
  }
  await db.schema.alterTable('oauth_sessions').dropColumn('status').execute()
  await db.schema.alterTable('oauth_sessions').dropColumn('role').execute()
}
