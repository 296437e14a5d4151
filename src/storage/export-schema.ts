import type { ColumnType } from 'kysely'

/** Tables of message store exports (see migrations/0005_create_export_tables.ts). Times are ms (UTC). */

type Millis = ColumnType<number, number, number>

export interface ExportTasksTable {
  /** `accountId-extensionId-<32 hex>` */
  id: string
  account_id: string
  /** The extension that created the task. */
  extension_id: string
  status: string
  date_from: Millis
  date_to: Millis
  /** JSON array of message types, or null for every type. */
  message_types: string | null
  /** Store clock: when the task was accepted (the record's `startTime`). */
  created_at: Millis
  finish_time: number | null
  /** The newest message id when the archives were planned: later messages stay out, so a resumed task writes what it planned. */
  snapshot_message_id: number | null
  /** Which attempt of the build job started last. */
  attempts: ColumnType<number, number | undefined, number>
  /** The job runner's claim building the task (see jobs/claims.ts): only it may write the task. */
  build_claim: string | null
  last_error: string | null
  /** Store clock: when the archives are removed. */
  expires_at: number | null
}

export interface ExportArchivesTable {
  task_id: string
  /** 0: message records; 1 and on: attachments. */
  idx: number
  account_id: string
  /** The attachment ids an attachment archive holds, inclusive; null for archive 0. */
  first_attachment_id: number | null
  last_attachment_id: number | null
  entries: number
  /** `planned` until written, then `done`. */
  status: string
  size: number | null
  /** `file:<path under the data folder>` or `blob:<key>`. */
  location: string | null
}
