import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { Availability, Direction, MessageType, ReadStatus } from '../../domain/message/model.js'
import { AVAILABILITIES } from '../../domain/message/model.js'
import type { DialectInfo } from '../dialects/dialect.js'
import { PreparedStatement } from '../prepared.js'
import type { DB } from '../schema.js'

export interface ListFilter extends MailboxKey {
  availability: Availability[]
  conversationId?: number
  dateFrom: number
  dateTo: number
  direction?: Direction[]
  distinctConversations: boolean
  messageType?: MessageType[]
  readStatus?: ReadStatus[]
  phoneDigits?: string
  offset: number
  limit: number
}

/** What decides the statement's text: which filters, with which enum values. */
interface ListShape {
  availability: Availability[]
  direction?: Direction[]
  messageType?: MessageType[]
  readStatus?: ReadStatus[]
  conversation: boolean
  phone: boolean
  distinctConversations: boolean
  /** Whether the statement counts the window (false when the caller knows the count: window-counts.ts). */
  counted: boolean
}

/** What each call binds. */
interface ListValues extends MailboxKey {
  dateFrom: number
  dateTo: number
  conversationId: number
  phoneLike: string
  limit: number
  offset: number
}

/**
 * The WHERE of a list query over messages aliased `alias` (`m`, or `n` in the distinct
 * subquery); without the window's dates when `dated` is false.
 */
function matches(
  alias: 'm' | 'n',
  f: Omit<ListShape, 'counted'>,
  v: ListValues,
  dated = true,
): RawBuilder<unknown> {
  const c = (column: string) => sql.ref(`${alias}.${column}`)
  const conds = [
    sql`${c('account_id')} = ${v.accountId}`,
    sql`${c('extension_id')} = ${v.extensionId}`,
    sql`${c('availability')} in (${sql.join(f.availability)})`,
  ]
  if (dated)
    conds.push(sql`${c('creation_time')} >= ${v.dateFrom}`, sql`${c('creation_time')} <= ${v.dateTo}`)
  if (f.conversation) conds.push(sql`${c('conversation_id')} = ${v.conversationId}`)
  if (f.direction?.length) conds.push(sql`${c('direction')} in (${sql.join(f.direction)})`)
  if (f.messageType?.length) conds.push(sql`${c('type')} in (${sql.join(f.messageType)})`)
  if (f.readStatus?.length) conds.push(sql`${c('read_status')} in (${sql.join(f.readStatus)})`)
  if (f.phone) conds.push(sql`${c('party_digits')} like ${v.phoneLike}`)
  if (alias === 'm' && f.distinctConversations) {
    // Only the newest message of each conversation; messages without one stand alone.
    conds.push(sql`(m.conversation_id is null or not exists (
      select 1 from messages n where ${matches('n', { ...f, distinctConversations: false }, v)}
        and n.conversation_id = m.conversation_id
        and (n.creation_time > m.creation_time or (n.creation_time = m.creation_time and n.id > m.id))))`)
  }
  return sql.join(conds, sql` and `)
}

interface PageRow {
  total: number | null
  page: Buffer | null
  seq: number
  next_creation: number | null
}

/**
 * Built and compiled once per shape (prepared.ts): building this statement with Kysely
 * anew for every request cost about a third of what SQLite takes to run it.
 */
const pageStatement = new PreparedStatement((f: ListShape, v: ListValues, dialect: DialectInfo) => {
  const where = matches('m', f, v)
  const joined = dialect.joinRecords(sql.ref('p.record'), sql`p.creation_time desc, p.id desc`)
  // The mailbox's change number and the next creation time after the window, read in
  // the same snapshot as the page: what a cached copy of the page is valid for.
  const total = f.counted ? sql`(select count(*) from messages m where ${where})` : sql`null`
  return sql<PageRow>`select
      ${total} as total,
      (select ${joined} from (
        select m.record, m.creation_time, m.id from messages m where ${where}
        order by m.creation_time desc, m.id desc limit ${v.limit} offset ${v.offset}) p) as page,
      (select change_seq from mailboxes where account_id = ${v.accountId} and extension_id = ${v.extensionId}) as seq,
      (select min(t) from (${sql.join(
        AVAILABILITIES.map(
          // One seek per availability into the list index instead of a scan of the mailbox.
          (a) => sql`select min(creation_time) as t from messages
            where account_id = ${v.accountId} and extension_id = ${v.extensionId}
            and availability = ${a} and creation_time > ${v.dateTo}`,
        ),
        sql` union all `,
      )}) n) as next_creation`
})

/**
 * One page of pre-rendered records, newest first, joined by commas in the database
 * (one value of bytes to hand over instead of a value per row), and the number of
 * matching messages; one statement.
 */
export async function listRecords(
  db: Kysely<DB>,
  dialect: DialectInfo,
  f: ListFilter,
  /** False when the caller knows the window's count for the change number this answers with. */
  counted = true,
): Promise<{
  /** Null when not `counted`. */
  total: number | null
  records: Buffer | null
  mailboxSeq: number
  nextCreation: number | null
}> {
  const result = await pageStatement.execute(db, { ...shapeOf(f), counted }, valuesOf(f), dialect)
  const row = result.rows[0]!
  return {
    total: row.total === null ? null : Number(row.total),
    records: row.page,
    mailboxSeq: Number(row.seq),
    nextCreation: row.next_creation === null ? null : Number(row.next_creation),
  }
}

function shapeOf(f: ListFilter): Omit<ListShape, 'counted'> {
  return {
    availability: f.availability,
    direction: f.direction,
    messageType: f.messageType,
    readStatus: f.readStatus,
    conversation: f.conversationId !== undefined,
    phone: Boolean(f.phoneDigits),
    distinctConversations: f.distinctConversations,
  }
}

function valuesOf(f: ListFilter): ListValues {
  return {
    accountId: f.accountId,
    extensionId: f.extensionId,
    dateFrom: f.dateFrom,
    dateTo: f.dateTo,
    // Bound only where the shape names them; any number or text stands in otherwise.
    conversationId: f.conversationId ?? 0,
    phoneLike: f.phoneDigits ? `%,${f.phoneDigits},%` : '',
    limit: f.limit,
    offset: f.offset,
  }
}

/** `k` tells the mailbox's change number (1) from a message's creation time (0). */
interface TimeRow {
  t: number | null
  k: number
}

/**
 * The mailbox's change number and the creation time of every message the filter
 * matches, whatever the dates, in one statement (so one snapshot): what a window's
 * count is computed from without counting in the database (services/window-counts.ts).
 * Not for `distinctConversations`, whose count depends on the window.
 */
const timesStatement = new PreparedStatement(
  (f: Omit<ListShape, 'counted'>, v: ListValues, _dialect: DialectInfo) =>
    sql<TimeRow>`select change_seq as t, 1 as k from mailboxes
        where account_id = ${v.accountId} and extension_id = ${v.extensionId}
      union all
      select m.creation_time as t, 0 as k from messages m where ${matches('m', f, v, false)}`,
)

export async function matchingTimes(
  db: Kysely<DB>,
  dialect: DialectInfo,
  f: ListFilter,
): Promise<{ mailboxSeq: number; times: Float64Array }> {
  if (f.distinctConversations) throw new Error('matchingTimes: not for distinctConversations')
  const { rows } = await timesStatement.execute(db, shapeOf(f), valuesOf(f), dialect)
  let mailboxSeq = 0
  const times = new Float64Array(rows.length)
  let n = 0
  for (const row of rows) {
    if (Number(row.k) === 1) mailboxSeq = Number(row.t)
    else times[n++] = Number(row.t)
  }
  return { mailboxSeq, times: times.subarray(0, n).sort() }
}
