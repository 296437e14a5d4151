import type { ColumnType, Generated } from 'kysely'
import type { ExportArchivesTable, ExportTasksTable } from './export-schema.js'

/** Table types of the store. Times are integer milliseconds (UTC). */

type Millis = ColumnType<number, number, number>

export interface MetaTable {
  key: string
  value: string
}

export interface AccountsTable {
  id: string
  name: string
  main_number: string | null
  hipaa: number
  retention_period: number | null
  created_at: Millis
  /** JSON array of company numbers (migration 0009); null: none but the main number, with defaults. */
  company_numbers: ColumnType<string | null, string | null | undefined, string | null>
}

export interface ExtensionsTable {
  id: string
  account_id: string
  extension_number: string
  name: string
  type: 'User' | 'Department'
  role: 'SuperAdmin' | 'User'
  status: 'Enabled' | 'Disabled' | 'Frozen'
  password_hash: string | null
  created_at: Millis
}

export interface DepartmentMembersTable {
  account_id: string
  department_id: string
  member_id: string
}

export interface PhoneNumbersTable {
  phone_number: string
  account_id: string
  extension_id: string
  /** JSON array of features, `type` and `usageType` (migration 0009); null: a direct number's defaults. */
  features: ColumnType<string | null, string | null | undefined, string | null>
  number_type: ColumnType<string | null, string | null | undefined, string | null>
  usage_type: ColumnType<string | null, string | null | undefined, string | null>
}

export interface AppsTable {
  client_id: string
  client_secret_hash: string
  name: string
  /** JSON array of grant type names. */
  grant_types: string
  /** JSON array of permission names. */
  permissions: string
}

export interface OAuthSessionsTable {
  id: string
  client_id: string
  account_id: string
  extension_id: string
  created_at: Millis
  /** The extension's role and status, kept in step by provisioning (migration 0006). */
  role: ExtensionsTable['role'] | null
  status: ExtensionsTable['status'] | null
}

export interface OAuthTokensTable {
  token_hash: string
  kind: 'access' | 'refresh'
  session_id: string
  expires_at: Millis
  ttl: number
}

export interface MailboxesTable {
  extension_id: string
  account_id: string
  change_seq: ColumnType<number, number | undefined, number>
  /** The change sequence number up to which the mailbox's size limits were last enforced. */
  retention_seq: ColumnType<number, number | undefined, number>
  /** The highest change sequence number of the mailbox's pruned tombstones (sync tokens below it are too old). */
  pruned_seq: ColumnType<number, number | undefined, number>
  /** ISync refuses tokens numbered below it (migration 0010: expire-sync-tokens, reset). */
  sync_floor: ColumnType<number, number | undefined, number>
}

export interface ConversationsTable {
  id: ColumnType<number, number, number>
  account_id: string
  participants: string
  created_at: Millis
}

export interface MessagesTable {
  id: Generated<number>
  account_id: string
  extension_id: string
  type: string
  direction: string
  availability: string
  read_status: string
  message_status: string
  priority: string
  subject: string | null
  /** JSON of the `from` party. */
  from_party: string | null
  /** JSON array of the `to` parties. */
  to_parties: string
  party_digits: string
  conversation_id: ColumnType<number | null, number | null | undefined, number | null>
  creation_time: Millis
  last_modified_time: Millis
  change_seq: Millis
  extra: string
  deleted_at: number | null
  purged_at: number | null
  record: Buffer
}

export interface AttachmentsTable {
  id: Generated<number>
  message_id: number
  account_id: string
  position: number
  type: string
  content_type: string
  file_name: string | null
  size: ColumnType<number, number, number>
  blob_key: string | null
  extra: string
}

export interface MessageTombstonesTable {
  message_id: number
  account_id: string
  extension_id: string
  change_seq: number
  removed_at: number
  /** What decides whether the removed message lay in a sync frame (null in rows older than these columns). */
  type: string | null
  direction: string | null
  conversation_id: number | null
  creation_time: number | null
}

export interface JobsTable {
  id: Generated<number>
  name: string
  payload: string
  run_at: Millis
  attempts: ColumnType<number, number | undefined, number>
  locked_until: number | null
  last_error: string | null
}

export interface BlobsTable {
  key: string
  size: number
  upload_id: string
  created_at: number
}

/** One change of a message (migration 0013): the state after it, at its store time. */
export interface MessageHistoryTable {
  id: Generated<number>
  account_id: string
  extension_id: string
  message_id: number
  change_seq: number
  /** `new`, `updated` or `removed`, as the notification outbox names it. */
  kind: 'new' | 'updated' | 'removed'
  /** Null for a removal (the row is gone). */
  availability: string | null
  read_status: string | null
  message_status: string | null
  at: Millis
}

export interface BlobChunksTable {
  upload_id: string
  seq: number
  data: Buffer
}

/** A fault rule of the admin API (src/test-controls/faults), shared by the nodes of one database. */
export interface FaultRulesTable {
  id: Generated<number>
  /** JSON of the rule as given (FaultRule). */
  rule: string
  /** Matches left before the rule stops applying; null: unlimited. */
  remaining: number | null
  /** How many requests have matched it so far: numbers the seeded probability draws. */
  hits: ColumnType<number, number | undefined, number>
  created_at: number
}

export interface DB {
  meta: MetaTable
  accounts: AccountsTable
  extensions: ExtensionsTable
  department_members: DepartmentMembersTable
  phone_numbers: PhoneNumbersTable
  apps: AppsTable
  oauth_sessions: OAuthSessionsTable
  oauth_tokens: OAuthTokensTable
  mailboxes: MailboxesTable
  conversations: ConversationsTable
  messages: MessagesTable
  attachments: AttachmentsTable
  message_tombstones: MessageTombstonesTable
  jobs: JobsTable
  blobs: BlobsTable
  blob_chunks: BlobChunksTable
  export_tasks: ExportTasksTable
  export_archives: ExportArchivesTable
  fault_rules: FaultRulesTable
  message_history: MessageHistoryTable
}
