import { type Kysely, sql } from 'kysely'
import type { DB } from '../schema.js'

/** What a message store export reads: its scope, and the pages of records and attachments it writes. */

/** What an export covers: an account's messages of a time range, of some types, up to a snapshot id. */
export interface ExportScope {
  accountId: string
  dateFrom: number
  dateTo: number
  messageTypes?: string[]
  /** Messages with larger ids arrived after the export was planned and stay out. */
  snapshotMessageId: number
}

/** Exports hold every message not yet Purged: Alive ones and Deleted ones (still restorable). */
export const EXPORTED_AVAILABILITIES = ['Alive', 'Deleted'] as const

/** The newest id of the whole store's id sequence (cross-account: one index seek). */
export async function newestMessageId(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  return Number(row?.id ?? 0)
}

export async function accountMailboxes(db: Kysely<DB>, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('mailboxes')
    .select('extension_id')
    .where('account_id', '=', accountId)
    .orderBy('extension_id')
    .execute()
  return rows.map((r) => r.extension_id)
}

export interface RecordRow {
  id: number
  creationTime: number
  record: Buffer
}

/**
 * One page of a mailbox's records of one availability, oldest first, after the
 * `(creationTime, id)` of the last row of the previous page. The condition is a range
 * on the list index (mailbox, availability, creation time, id), so every page costs
 * its own rows only, however deep into the mailbox it lies.
 */
export async function recordsPage(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
  availability: string,
  after: { creationTime: number; id: number } | undefined,
  limit: number,
): Promise<RecordRow[]> {
  let query = db
    .selectFrom('messages')
    .select(['id', 'creation_time', 'record'])
    .where('account_id', '=', scope.accountId)
    .where('extension_id', '=', extensionId)
    .where('availability', '=', availability)
    .where('creation_time', '>=', scope.dateFrom)
    .where('creation_time', '<=', scope.dateTo)
    .where('id', '<=', scope.snapshotMessageId)
  if (scope.messageTypes) query = query.where('type', 'in', scope.messageTypes)
  if (after) query = query.where(sql<boolean>`(creation_time, id) > (${after.creationTime}, ${after.id})`)
  const rows = await query.orderBy('creation_time').orderBy('id').limit(limit).execute()
  return rows.map((r) => ({ id: Number(r.id), creationTime: Number(r.creation_time), record: r.record }))
}

export interface AttachmentRow {
  id: number
  messageId: number
  extensionId: string
  size: number
  blobKey: string
  fileName: string | null
  contentType: string
  creationTime: number
}

/**
 * One page of the attachments of the exported messages, in attachment id order, after
 * `afterId` and up to `lastId`. Attachments without bytes (Purged) are left out.
 */
export async function attachmentsPage(
  db: Kysely<DB>,
  scope: ExportScope,
  afterId: number,
  lastId: number | undefined,
  limit: number,
): Promise<AttachmentRow[]> {
  let query = db
    .selectFrom('attachments as a')
    .innerJoin('messages as m', (join) =>
      join.onRef('m.account_id', '=', 'a.account_id').onRef('m.id', '=', 'a.message_id'),
    )
    .select([
      'a.id',
      'a.message_id',
      'm.extension_id',
      'a.size',
      'a.blob_key',
      'a.file_name',
      'a.content_type',
      'm.creation_time',
    ])
    .where('a.account_id', '=', scope.accountId)
    .where('a.id', '>', afterId)
    .where('a.blob_key', 'is not', null)
    .where('m.availability', 'in', [...EXPORTED_AVAILABILITIES])
    .where('m.creation_time', '>=', scope.dateFrom)
    .where('m.creation_time', '<=', scope.dateTo)
    .where('m.id', '<=', scope.snapshotMessageId)
  if (lastId !== undefined) query = query.where('a.id', '<=', lastId)
  if (scope.messageTypes) query = query.where('m.type', 'in', scope.messageTypes)
  const rows = await query.orderBy('a.id').limit(limit).execute()
  return rows.map((r) => ({
    id: Number(r.id),
    messageId: Number(r.message_id),
    extensionId: r.extension_id,
    size: Number(r.size),
    blobKey: r.blob_key!,
    fileName: r.file_name,
    contentType: r.content_type,
    creationTime: Number(r.creation_time),
  }))
}

/** How many messages an export of `scope` holds (index-only counts, mailbox by mailbox). */
export async function countExportMessages(db: Kysely<DB>, scope: ExportScope): Promise<number> {
  let total = 0
  for (const extensionId of await accountMailboxes(db, scope.accountId)) {
    let query = db
      .selectFrom('messages')
      .select(sql<number>`count(*)`.as('n'))
      .where('account_id', '=', scope.accountId)
      .where('extension_id', '=', extensionId)
      .where('availability', 'in', [...EXPORTED_AVAILABILITIES])
      .where('creation_time', '>=', scope.dateFrom)
      .where('creation_time', '<=', scope.dateTo)
      .where('id', '<=', scope.snapshotMessageId)
    if (scope.messageTypes) query = query.where('type', 'in', scope.messageTypes)
    total += Number((await query.executeTakeFirstOrThrow()).n)
  }
  return total
}
