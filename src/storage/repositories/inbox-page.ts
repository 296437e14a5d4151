import { type Kysely, type SelectQueryBuilder, sql } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { Direction, MessageType, ReadStatus } from '../../domain/message/model.js'
import type { DialectInfo } from '../dialects/dialect.js'
import type { DB } from '../schema.js'
import { textMatches } from './text-search.js'

/**
 * A web inbox folder's messages, one page at a time by key (creation time, id) on the
 * list index (or the Outbox's partial index, migration 0013): a page costs the same on
 * the first page and the last of a mailbox of 100,000 messages, where OFFSET paging
 * walks every row before it.
 */

/** Which messages a folder holds, by RingCentral's retention folders. */
export type FolderName = 'Inbox' | 'Outbox' | 'Sent' | 'Deleted' | 'All'

/**
 * The Outbox's condition, as literal text: a partial index is used only for a query
 * that names its condition with the same constants, not with bound parameters.
 */
const IN_OUTBOX = sql<boolean>`availability = 'Alive' and direction = 'Outbound' and message_status in ('Queued', 'SendingFailed')`

export interface FolderFilter extends MailboxKey {
  folder: FolderName
  messageType?: MessageType
  /** For Deleted and All (the other folders have one direction). */
  direction?: Direction
  readStatus?: ReadStatus
  conversationId?: number
  dateFrom?: number
  dateTo?: number
  /** Text, subject or number (text-search.ts). */
  q?: string
}

/** A position between two messages of the newest-first order. */
export interface PageKey {
  creationTime: number
  id: number
}

export interface FolderRow {
  id: number
  creation_time: number
  record: Buffer
}

function where<O>(
  q: SelectQueryBuilder<DB, 'messages', O>,
  dialect: DialectInfo,
  f: FolderFilter,
): SelectQueryBuilder<DB, 'messages', O> {
  let query = q.where('account_id', '=', f.accountId).where('extension_id', '=', f.extensionId)
  switch (f.folder) {
    case 'Inbox':
      query = query.where('availability', '=', 'Alive').where('direction', '=', 'Inbound')
      break
    case 'Outbox':
      query = query.where(IN_OUTBOX)
      break
    case 'Sent':
      // Alive outbound, less the Outbox; the delivery state is read from the rows of the page.
      query = query
        .where('availability', '=', 'Alive')
        .where('direction', '=', 'Outbound')
        .where('message_status', 'not in', ['Queued', 'SendingFailed'])
      break
    case 'Deleted':
      query = query.where('availability', '=', 'Deleted')
      break
    case 'All':
      query = query.where('availability', '=', 'Alive')
      break
  }
  if (f.direction && (f.folder === 'Deleted' || f.folder === 'All'))
    query = query.where('direction', '=', f.direction)
  if (f.messageType) query = query.where('type', '=', f.messageType)
  if (f.readStatus) query = query.where('read_status', '=', f.readStatus)
  if (f.conversationId !== undefined) query = query.where('conversation_id', '=', f.conversationId)
  if (f.dateFrom !== undefined) query = query.where('creation_time', '>=', f.dateFrom)
  if (f.dateTo !== undefined) query = query.where('creation_time', '<=', f.dateTo)
  if (f.q) query = query.where(textMatches(dialect, f.q, (column) => sql.ref(column)))
  return query
}

/**
 * Up to `limit` messages of the folder, newest first: those older than `after`, or
 * (with `before`) the `limit` just newer than it, or (with `oldest`) the oldest `limit`.
 */
export async function folderRows(
  db: Kysely<DB>,
  dialect: DialectInfo,
  f: FolderFilter,
  from: { after?: PageKey; before?: PageKey; oldest?: boolean },
  limit: number,
): Promise<FolderRow[]> {
  let q = where(db.selectFrom('messages').select(['id', 'creation_time', 'record']), dialect, f)
  const ascending = from.before !== undefined || from.oldest === true
  if (from.after)
    q = q.where(sql<boolean>`(creation_time, id) < (${from.after.creationTime}, ${from.after.id})`)
  if (from.before)
    q = q.where(sql<boolean>`(creation_time, id) > (${from.before.creationTime}, ${from.before.id})`)
  const order = ascending ? 'asc' : 'desc'
  const rows = await q.orderBy('creation_time', order).orderBy('id', order).limit(limit).execute()
  const typed = rows.map((r) => ({
    id: Number(r.id),
    creation_time: Number(r.creation_time),
    record: r.record,
  }))
  return ascending ? typed.reverse() : typed
}

/** Whether the folder holds a message newer (`newer`) or older than `key`: one seek. */
export async function folderHasBeyond(
  db: Kysely<DB>,
  dialect: DialectInfo,
  f: FolderFilter,
  key: PageKey,
  side: 'newer' | 'older',
): Promise<boolean> {
  const comparison =
    side === 'newer'
      ? sql<boolean>`(creation_time, id) > (${key.creationTime}, ${key.id})`
      : sql<boolean>`(creation_time, id) < (${key.creationTime}, ${key.id})`
  const row = await where(db.selectFrom('messages').select('id'), dialect, f)
    .where(comparison)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** How many messages the folder holds under the filter. */
export async function folderCount(db: Kysely<DB>, dialect: DialectInfo, f: FolderFilter): Promise<number> {
  if (f.folder === 'Sent') {
    // Alive outbound less the Outbox: both read from indexes alone, where the
    // delivery state of every sent message would otherwise be read from its row.
    const outbound = await countOf(db, dialect, { ...f, folder: 'All', direction: 'Outbound' })
    return outbound - (await countOf(db, dialect, { ...f, folder: 'Outbox' }))
  }
  return countOf(db, dialect, f)
}

async function countOf(db: Kysely<DB>, dialect: DialectInfo, f: FolderFilter): Promise<number> {
  const row = await where(db.selectFrom('messages').select(sql<number>`count(*)`.as('n')), dialect, f)
    .$castTo<{ n: number }>()
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Alive or Deleted messages of a mailbox, counted by direction and read status. */
export interface AvailabilityTally {
  availability: 'Alive' | 'Deleted'
  total: number
  inbound: number
  unread: number
  inboundUnread: number
}

/**
 * The mailbox's messages counted per availability, in one pass over the list index
 * alone. Conditional aggregates (`count(*) filter (where …)`, in both SQLite and
 * PostgreSQL) instead of a GROUP BY of direction and read status: the grouping sorted
 * every index entry (on PostgreSQL, spilling to disk without statistics), which took
 * four times as long on a mailbox of 100,000 messages.
 */
export async function availabilityTallies(db: Kysely<DB>, mailbox: MailboxKey): Promise<AvailabilityTally[]> {
  const rows = await db
    .selectFrom('messages')
    .select([
      'availability',
      sql<number>`count(*)`.as('total'),
      sql<number>`count(*) filter (where direction = 'Inbound')`.as('inbound'),
      sql<number>`count(*) filter (where read_status = 'Unread')`.as('unread'),
      sql<number>`count(*) filter (where read_status = 'Unread' and direction = 'Inbound')`.as(
        'inbound_unread',
      ),
    ])
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('availability', 'in', ['Alive', 'Deleted'])
    .groupBy('availability')
    .execute()
  return rows.map((r) => ({
    availability: r.availability as AvailabilityTally['availability'],
    total: Number(r.total),
    inbound: Number(r.inbound),
    unread: Number(r.unread),
    inboundUnread: Number(r.inbound_unread),
  }))
}

/** The mailbox's Outbox by read status, from its partial index and those rows alone. */
export async function outboxByReadStatus(
  db: Kysely<DB>,
  mailbox: MailboxKey,
): Promise<{ read_status: string; n: number }[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['read_status', sql<number>`count(*)`.as('n')])
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where(IN_OUTBOX)
    .groupBy('read_status')
    .execute()
  return rows.map((r) => ({ read_status: r.read_status, n: Number(r.n) }))
}
