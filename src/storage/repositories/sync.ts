import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { Cursor, Region, SyncFrame } from '../../domain/sync/frame.js'
import type { DialectInfo } from '../dialects/dialect.js'
import { PreparedStatement } from '../prepared.js'
import type { DB } from '../schema.js'
import { atLeast, bounds, col, filters, HIGH, inFrame, OLDER, older, recordOfM } from './sync-conditions.js'
import { type FrameShape, type FrameValues, frameOf, frameShape, frameValues } from './sync-frame-shape.js'

/**
 * The reads of message sync. The two that define what a client has seen, a full sync
 * and the changes since a sequence number, are each ONE statement that reads the
 * mailbox's change sequence number together with the records: a statement reads one
 * snapshot (SQLite, and PostgreSQL under any isolation level), so the number and the
 * records describe the same state of the mailbox.
 */

export interface FrameRecord {
  id: number
  creationTime: number
  seq: number
  conversationId: number | null
  /** The pre-rendered record, as text (see DialectInfo.recordText). */
  record: string
}

export interface ChangedRecord {
  id: number
  seq: number
  /** `Alive`, `Deleted`, `Purged`, or `Removed` for a message physically removed (a tombstone). */
  availability: string
  conversationId: number | null
  /** The pre-rendered record, as text; null for a tombstone. */
  record: string | null
}

interface RecordRow {
  id: number
  ct: number
  seq: number
  conv: number | null
  record: string | null
}

function toFrameRecord(r: RecordRow): FrameRecord {
  return {
    id: Number(r.id),
    creationTime: Number(r.ct),
    seq: Number(r.seq),
    conversationId: r.conv === null ? null : Number(r.conv),
    record: r.record as string,
  }
}

/**
 * FSync: the newest `limit` records of the frame (all without a limit), newest first,
 * and the mailbox's change sequence number, in one snapshot. Undefined: no mailbox.
 */
export async function frameRecords(
  db: Kysely<DB>,
  dialect: DialectInfo,
  mailbox: MailboxKey,
  frame: SyncFrame,
  limit?: number,
): Promise<{ high: number; records: FrameRecord[]; olderExist: boolean } | undefined> {
  const limitSql = limit === undefined ? sql`` : sql` limit ${limit}`
  const result = await sql<RecordRow>`select r.id, r.ct, r.seq, r.conv, r.record from (
      select m.id as id, m.creation_time as ct, m.change_seq as seq, m.conversation_id as conv,
        ${recordOfM(dialect)} as record
      from messages m where ${inFrame(mailbox, frame)}
      order by m.creation_time desc, m.id desc${limitSql}) r
    union all
    select ${sql.lit(HIGH)}, 0, b.change_seq, null, null from mailboxes b where b.account_id = ${mailbox.accountId} and b.extension_id = ${mailbox.extensionId}
    union all
    select ${sql.lit(OLDER)}, 0, 0, null, null from (${older(mailbox, frame)}) o`.execute(db)
  let high: number | undefined
  let olderExist = false
  const records: FrameRecord[] = []
  for (const row of result.rows) {
    const id = Number(row.id)
    if (id === HIGH) high = Number(row.seq)
    else if (id === OLDER) olderExist = true
    else records.push(toFrameRecord(row))
  }
  if (high === undefined) return undefined
  records.sort((a, b) => b.creationTime - a.creationTime || b.id - a.id)
  return { high, records, olderExist }
}

interface ChangeRow {
  id: number
  seq: number
  availability: string | null
  conv: number | null
  record: string | null
}

/** The statement of `changesSince`, compiled once per frame shape (ISync runs it on every request). */
const changesStatement = new PreparedStatement(
  (shape: FrameShape, v: FrameValues & MailboxKey & { since: number }, dialect: DialectInfo) => {
    const frame = frameOf(shape, v)
    const mailbox: MailboxKey = { accountId: v.accountId, extensionId: v.extensionId }
    const m = sql.join(
      [
        sql`m.account_id = ${v.accountId}`,
        sql`m.extension_id = ${v.extensionId}`,
        sql`m.change_seq > ${v.since}`,
        ...filters('m', frame),
        ...bounds('m', frame.lower, frame.upper),
      ],
      sql` and `,
    )
    return sql<ChangeRow>`select m.id as id, m.change_seq as seq, m.availability as availability,
        m.conversation_id as conv, ${recordOfM(dialect)} as record
      from messages m where ${m}
    union all
    select t.message_id, t.change_seq, 'Removed', t.conversation_id, null
      from message_tombstones t where ${tombstoneConds(mailbox, frame, v.since)}
    union all
    select ${sql.lit(HIGH)}, b.change_seq, null, b.sync_floor, null from mailboxes b where b.account_id = ${v.accountId} and b.extension_id = ${v.extensionId}
    union all
    select ${sql.lit(OLDER)}, 0, null, null, null from (${older(mailbox, frame)}) o`
  },
)

/**
 * ISync: every message of the frame whose latest change is numbered above `since`,
 * whatever its availability, every removal above `since` that concerns the frame, and
 * the mailbox's change sequence number, in one snapshot. Frame membership depends only
 * on what never changes (type, direction, conversation, creation time), so a message
 * in the frame stays in it.
 */
export async function changesSince(
  db: Kysely<DB>,
  dialect: DialectInfo,
  mailbox: MailboxKey,
  frame: SyncFrame,
  since: number,
): Promise<{ high: number; floor: number; changes: ChangedRecord[]; olderExist: boolean } | undefined> {
  const result = await changesStatement.execute(
    db,
    frameShape(frame),
    { ...frameValues(frame), accountId: mailbox.accountId, extensionId: mailbox.extensionId, since },
    dialect,
  )
  let high: number | undefined
  let floor = 0
  let olderExist = false
  const changes: ChangedRecord[] = []
  for (const row of result.rows) {
    const id = Number(row.id)
    if (id === HIGH) {
      high = Number(row.seq)
      // The HIGH row carries the mailbox's sync floor in its conversation column.
      floor = Number(row.conv ?? 0)
      continue
    }
    if (id === OLDER) {
      olderExist = true
      continue
    }
    changes.push({
      id: Number(row.id),
      seq: Number(row.seq),
      availability: row.availability ?? 'Removed',
      conversationId: row.conv === null ? null : Number(row.conv),
      record: row.record,
    })
  }
  if (high === undefined) return undefined
  changes.sort((a, b) => a.seq - b.seq || a.id - b.id)
  return { high, floor, changes, olderExist }
}

/** Removals since `since` in the frame; a tombstone that lacks a column counts as in the frame. */
function tombstoneConds(mailbox: MailboxKey, frame: SyncFrame, since: number): RawBuilder<unknown> {
  const conds = [
    sql`t.account_id = ${mailbox.accountId}`,
    sql`t.extension_id = ${mailbox.extensionId}`,
    sql`t.change_seq > ${since}`,
  ]
  const orNull = (column: string, cond: RawBuilder<unknown>) => sql`(${col('t', column)} is null or ${cond})`
  if (frame.types?.length) conds.push(orNull('type', sql`t.type in (${sql.join(frame.types)})`))
  if (frame.directions?.length) {
    conds.push(orNull('direction', sql`t.direction in (${sql.join(frame.directions)})`))
  }
  if (frame.conversationId !== undefined) {
    conds.push(orNull('conversation_id', sql`t.conversation_id = ${frame.conversationId}`))
  }
  conds.push(orNull('creation_time', atLeast('t', frame.lower, 'message_id')))
  if (frame.upper !== null) conds.push(orNull('creation_time', sql`t.creation_time <= ${frame.upper}`))
  return sql.join(conds, sql` and `)
}

/** The newest Alive message of each of `conversationIds` in the frame (none for a conversation with none). */
export async function newestOfConversations(
  db: Kysely<DB>,
  dialect: DialectInfo,
  mailbox: MailboxKey,
  frame: SyncFrame,
  conversationIds: number[],
): Promise<FrameRecord[]> {
  const out: FrameRecord[] = []
  for (let i = 0; i < conversationIds.length; i += 500) {
    const chunk = conversationIds.slice(i, i + 500)
    const result = await sql<RecordRow>`select m.id as id, m.creation_time as ct, m.change_seq as seq,
        m.conversation_id as conv, ${recordOfM(dialect)} as record
      from messages m
      where ${inFrame(mailbox, { ...frame, distinct: true })} and m.conversation_id in (${sql.join(chunk)})`.execute(
      db,
    )
    out.push(...result.rows.map(toFrameRecord))
  }
  return out
}

/** The position of the `n`th newest record of the frame (n >= 1); undefined when it has fewer. */
export async function nthNewest(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  frame: SyncFrame,
  n: number,
): Promise<Cursor | undefined> {
  const result = await sql<{ id: number; ct: number }>`select m.id as id, m.creation_time as ct
    from messages m where ${inFrame(mailbox, frame)}
    order by m.creation_time desc, m.id desc limit 1 offset ${n - 1}`.execute(db)
  const row = result.rows[0]
  return row ? [Number(row.ct), Number(row.id)] : undefined
}

/** The records of `frame` that lie in `region`, newest first. */
export async function regionRecords(
  db: Kysely<DB>,
  dialect: DialectInfo,
  mailbox: MailboxKey,
  frame: SyncFrame,
  region: Region,
): Promise<FrameRecord[]> {
  const result = await sql<RecordRow>`select m.id as id, m.creation_time as ct, m.change_seq as seq,
      m.conversation_id as conv, ${recordOfM(dialect)} as record
    from messages m where ${inFrame(mailbox, frame, region)}
    order by m.creation_time desc, m.id desc`.execute(db)
  return result.rows.map(toFrameRecord)
}
