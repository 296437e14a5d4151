import { type Kysely, type RawBuilder, sql } from 'kysely'
import { participantsKey } from '../../domain/message/conversation.js'
import type {
  Attachment,
  AttachmentType,
  Availability,
  Direction,
  Message,
  MessageExtra,
  MessageType,
  Party,
  ReadStatus,
} from '../../domain/message/model.js'
import { AVAILABILITIES } from '../../domain/message/model.js'
import { renderRecord } from '../../domain/message/record.js'
import { digitsOf } from '../../lib/phone.js'
import type { DialectInfo } from '../dialects/dialect.js'
import type { DB } from '../schema.js'
import type { MailboxKey } from './mailbox-key.js'

export interface AttachmentDraft {
  type: AttachmentType
  contentType: string
  fileName?: string
  size: number
  blobKey: string
  vmDuration?: number
  width?: number
  height?: number
}

export type MessageDraft = Omit<Message, 'id' | 'attachments' | 'lastModifiedTime'> & {
  attachments: AttachmentDraft[]
  /** The numbers whose set names the conversation, when there is one. */
  participants?: string[]
}

/** Numbers the next change of a mailbox; message sync reads changes in this order. */
export async function nextChangeSeq(trx: Kysely<DB>, mailbox: MailboxKey): Promise<number> {
  const row = await trx
    .updateTable('mailboxes')
    .set((eb) => ({ change_seq: eb('change_seq', '+', 1) }))
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .returning('change_seq')
    .executeTakeFirstOrThrow()
  return Number(row.change_seq)
}

/** Stores a message and its attachments; call inside a transaction. */
export async function insertMessage(trx: Kysely<DB>, draft: MessageDraft, now: number): Promise<Message> {
  const seq = await nextChangeSeq(trx, draft)
  if (draft.conversationId !== undefined && draft.participants) {
    await trx
      .insertInto('conversations')
      .values({
        id: draft.conversationId,
        account_id: draft.accountId,
        participants: participantsKey(draft.participants),
        created_at: now,
      })
      // No conflict target: the key is (id) on SQLite, (account_id, id) on PostgreSQL (migration 0006).
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
  const parties = [draft.from, ...draft.to].filter((p): p is Party => p !== undefined)
  const { id } = await trx
    .insertInto('messages')
    .values({
      account_id: draft.accountId,
      extension_id: draft.extensionId,
      type: draft.type,
      direction: draft.direction,
      availability: draft.availability,
      read_status: draft.readStatus,
      message_status: draft.messageStatus,
      priority: draft.priority,
      subject: draft.subject ?? null,
      from_party: draft.from ? JSON.stringify(draft.from) : null,
      to_parties: JSON.stringify(draft.to),
      party_digits: partyDigits(parties),
      conversation_id: draft.conversationId ?? null,
      creation_time: draft.creationTime,
      last_modified_time: now,
      change_seq: seq,
      extra: JSON.stringify(draft.extra),
      record: Buffer.alloc(0),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const attachments: Attachment[] = []
  for (const [position, a] of draft.attachments.entries()) {
    const extra = { vmDuration: a.vmDuration, width: a.width, height: a.height }
    const row = await trx
      .insertInto('attachments')
      .values({
        message_id: id,
        account_id: draft.accountId,
        position,
        type: a.type,
        content_type: a.contentType,
        file_name: a.fileName ?? null,
        size: a.size,
        blob_key: a.blobKey,
        extra: JSON.stringify(extra),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    attachments.push({
      id: Number(row.id),
      type: a.type,
      contentType: a.contentType,
      fileName: a.fileName,
      size: a.size,
      ...extra,
    })
  }
  const { participants: _participants, ...fields } = draft
  const message: Message = { ...fields, id: Number(id), attachments, lastModifiedTime: now }
  await trx
    .updateTable('messages')
    .set({ record: renderRecord(message) })
    .where('account_id', '=', draft.accountId)
    .where('id', '=', id)
    .execute()
  return message
}

/** ",16505550101,14155550123," — what the phoneNumber filter searches. */
export function partyDigits(parties: Party[]): string {
  const digits = parties.map((p) => (p.phoneNumber ? digitsOf(p.phoneNumber) : '')).filter(Boolean)
  return digits.length ? `,${digits.join(',')},` : ''
}

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

/** The WHERE of a list query over messages aliased `alias` (`m`, or `n` in the distinct subquery). */
function matches(alias: 'm' | 'n', f: ListFilter): RawBuilder<unknown> {
  const c = (column: string) => sql.ref(`${alias}.${column}`)
  const conds = [
    sql`${c('account_id')} = ${f.accountId}`,
    sql`${c('extension_id')} = ${f.extensionId}`,
    sql`${c('availability')} in (${sql.join(f.availability)})`,
    sql`${c('creation_time')} >= ${f.dateFrom}`,
    sql`${c('creation_time')} <= ${f.dateTo}`,
  ]
  if (f.conversationId !== undefined) conds.push(sql`${c('conversation_id')} = ${f.conversationId}`)
  if (f.direction?.length) conds.push(sql`${c('direction')} in (${sql.join(f.direction)})`)
  if (f.messageType?.length) conds.push(sql`${c('type')} in (${sql.join(f.messageType)})`)
  if (f.readStatus?.length) conds.push(sql`${c('read_status')} in (${sql.join(f.readStatus)})`)
  if (f.phoneDigits) conds.push(sql`${c('party_digits')} like ${`%,${f.phoneDigits},%`}`)
  if (alias === 'm' && f.distinctConversations) {
    // Only the newest message of each conversation; messages without one stand alone.
    conds.push(sql`(m.conversation_id is null or not exists (
      select 1 from messages n where ${matches('n', { ...f, distinctConversations: false })}
        and n.conversation_id = m.conversation_id
        and (n.creation_time > m.creation_time or (n.creation_time = m.creation_time and n.id > m.id))))`)
  }
  return sql.join(conds, sql` and `)
}

/**
 * One page of pre-rendered records, newest first, joined by commas in the database
 * (one value to hand over instead of a value per row), and the number of matching
 * messages; one statement.
 */
export async function listRecords(
  db: Kysely<DB>,
  dialect: DialectInfo,
  f: ListFilter,
): Promise<{
  total: number
  records: Buffer | null
  mailboxSeq: number
  nextCreation: number | null
}> {
  const where = matches('m', f)
  const joined = dialect.joinRecords(sql.ref('p.record'), sql`p.creation_time desc, p.id desc`)
  // The mailbox's change number and the next creation time after the window, read in
  // the same snapshot as the page: what a cached copy of the page is valid for.
  const result = await sql<{
    total: number
    page: Buffer | null
    seq: number
    next_creation: number | null
  }>`select
      (select count(*) from messages m where ${where}) as total,
      (select ${joined} from (
        select m.record, m.creation_time, m.id from messages m where ${where}
        order by m.creation_time desc, m.id desc limit ${f.limit} offset ${f.offset}) p) as page,
      (select change_seq from mailboxes where account_id = ${f.accountId} and extension_id = ${f.extensionId}) as seq,
      (select min(t) from (${sql.join(
        AVAILABILITIES.map(
          // One seek per availability into the list index instead of a scan of the mailbox.
          (a) => sql`select min(creation_time) as t from messages
            where account_id = ${f.accountId} and extension_id = ${f.extensionId}
            and availability = ${a} and creation_time > ${f.dateTo}`,
        ),
        sql` union all `,
      )}) n) as next_creation`.execute(db)
  const row = result.rows[0]!
  return {
    total: Number(row.total),
    records: row.page,
    mailboxSeq: Number(row.seq),
    nextCreation: row.next_creation === null ? null : Number(row.next_creation),
  }
}

/** The mailbox's current change number: any change to any of its messages raises it. */
export async function mailboxSeq(db: Kysely<DB>, mailbox: MailboxKey): Promise<number | undefined> {
  const { rows } = await sql<{ seq: number }>`select change_seq as seq from mailboxes
    where account_id = ${mailbox.accountId} and extension_id = ${mailbox.extensionId}`.execute(db)
  return rows[0] === undefined ? undefined : Number(rows[0].seq)
}

/** Records of the given ids in one mailbox, whatever their availability. */
export async function recordsByIds(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  ids: number[],
): Promise<Map<number, Buffer>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'record'])
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('id', 'in', ids)
    .execute()
  return new Map(rows.map((r) => [Number(r.id), r.record]))
}

export type { MessageExtra }
