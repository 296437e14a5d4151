import type { Kysely, Selectable, Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import { type MessageChange, transition } from '../../domain/message/lifecycle.js'
import type {
  Attachment,
  AttachmentType,
  Availability,
  Direction,
  Message,
  MessageStatus,
  MessageType,
  ReadStatus,
} from '../../domain/message/model.js'
import { renderRecord } from '../../domain/message/record.js'
import { canLockRows } from '../dialects/row-locks.js'
import type { DB, MessagesTable } from '../schema.js'
import { nextChangeSeq } from './messages.js'
import { recordChange } from './notification-outbox.js'

/**
 * The write side of a mailbox: read status, the Alive → Deleted → Purged life cycle.
 *
 * Every change is a read-modify-write of one message inside the caller's transaction:
 * the message is read, its next state computed, and its columns, `change_seq`,
 * `last_modified_time` and pre-rendered record written back. SQLite runs one writer at
 * a time, so the transaction alone serialises changes. Where the database has row
 * locks (PostgreSQL), the mailbox row and then the message row are locked first
 * (`SELECT … FOR UPDATE`), always in that order, so two changes of one message never
 * interleave and changes of one mailbox cannot deadlock each other.
 */

export interface ChangeTarget extends MailboxKey {
  messageId: number
}

export interface ChangeOutcome {
  /** The pre-rendered record after the change (unchanged when nothing changed). */
  record: Buffer
  changed: boolean
  /** Blob keys whose references this change removed (on purge); free them once committed. */
  releasedBlobKeys: string[]
}

/**
 * Applies `change` to one message; undefined when the mailbox has no such message.
 * Throws the API error of a change the message's state does not allow (nothing is written).
 */
export async function changeMessage(
  trx: Transaction<DB>,
  target: ChangeTarget,
  change: MessageChange,
  now: () => number,
): Promise<ChangeOutcome | undefined> {
  const row = await lockMessage(trx, target)
  if (!row) return undefined
  const before = { availability: row.availability as Availability, readStatus: row.read_status as ReadStatus }
  const after = transition(before, change)
  if (after.availability === before.availability && after.readStatus === before.readStatus) {
    return { record: row.record, changed: false, releasedBlobKeys: [] }
  }

  const attachmentRows = await trx
    .selectFrom('attachments')
    .select(['id', 'type', 'content_type', 'file_name', 'size', 'blob_key', 'extra'])
    .where('account_id', '=', target.accountId)
    .where('message_id', '=', row.id)
    .orderBy('position')
    .orderBy('id')
    .execute()
  const purging = after.availability === 'Purged' && before.availability !== 'Purged'
  const releasedBlobKeys = purging
    ? [...new Set(attachmentRows.map((a) => a.blob_key).filter((k): k is string => k !== null))]
    : []

  const at = now()
  const seq = await nextChangeSeq(trx, target)
  const message = toMessage(row, attachmentRows)
  message.availability = after.availability
  message.readStatus = after.readStatus
  message.lastModifiedTime = at
  const record = renderRecord(message)

  if (purging) {
    // The metadata stays (type, size, name); the bytes go.
    await trx
      .updateTable('attachments')
      .set({ blob_key: null })
      .where('account_id', '=', target.accountId)
      .where('message_id', '=', row.id)
      .execute()
  }
  await trx
    .updateTable('messages')
    .set({
      availability: after.availability,
      read_status: after.readStatus,
      last_modified_time: at,
      change_seq: seq,
      deleted_at: after.availability === 'Alive' ? null : (row.deleted_at ?? at),
      purged_at: after.availability === 'Purged' ? (row.purged_at ?? at) : null,
      record,
    })
    .where('account_id', '=', target.accountId)
    .where('id', '=', row.id)
    .execute()
  await recordChange(trx, {
    accountId: target.accountId,
    extensionId: target.extensionId,
    messageId: Number(row.id),
    type: row.type,
    direction: row.direction,
    kind: 'updated',
    seq,
    state: {
      availability: after.availability,
      readStatus: after.readStatus,
      messageStatus: row.message_status,
    },
    at,
  })
  return { record, changed: true, releasedBlobKeys }
}

/**
 * Whether any attachment still references a blob: only an unreferenced blob may be
 * deleted. Identical bytes are stored once for the whole store, so this asks every
 * account (one of the cross-account statements of storage/tenancy.ts).
 */
export async function isBlobReferenced(db: Kysely<DB>, key: string): Promise<boolean> {
  const row = await db
    .selectFrom('attachments')
    .select('id')
    .where('blob_key', '=', key)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

export interface DeleteFilter extends MailboxKey {
  /** Messages created strictly before this time. */
  dateTo: number
  conversationIds?: number[]
  types?: MessageType[]
  availability: Availability[]
}

/** Ids of the messages a delete by filter matches, ascending, after `afterId`; at most `limit`. */
export async function idsMatching(
  db: Kysely<DB>,
  f: DeleteFilter,
  afterId: number,
  limit: number,
): Promise<number[]> {
  let query = db
    .selectFrom('messages')
    .select('id')
    .where('account_id', '=', f.accountId)
    .where('extension_id', '=', f.extensionId)
    .where('creation_time', '<', f.dateTo)
    .where('availability', 'in', f.availability)
    .where('id', '>', afterId)
  if (f.conversationIds?.length) query = query.where('conversation_id', 'in', f.conversationIds)
  if (f.types?.length) query = query.where('type', 'in', f.types)
  const rows = await query.orderBy('id').limit(limit).execute()
  return rows.map((r) => Number(r.id))
}

/**
 * Reads one message of the mailbox for a change, locked where the dialect has row locks:
 * the mailbox row first, then the message, the order every writer of a mailbox takes.
 */
export async function lockMessage(
  trx: Transaction<DB>,
  target: ChangeTarget,
): Promise<Selectable<MessagesTable> | undefined> {
  const lockRows = canLockRows(trx)
  if (lockRows) await lockMailbox(trx, target)
  let query = trx
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', target.accountId)
    .where('id', '=', target.messageId)
    .where('extension_id', '=', target.extensionId)
  if (lockRows) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** `SELECT … FOR UPDATE` of the mailbox row: only where the dialect has row locks (not SQLite). */
export async function lockMailbox(trx: Transaction<DB>, mailbox: MailboxKey): Promise<void> {
  await trx
    .selectFrom('mailboxes')
    .select('extension_id')
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .forUpdate()
    .executeTakeFirst()
}

interface AttachmentRow {
  id: number
  type: string
  content_type: string
  file_name: string | null
  size: number
  extra: string
}

/** The domain message of a stored row, as insertMessage built it, so the record renders the same. */
export function toMessage(row: Selectable<MessagesTable>, attachments: AttachmentRow[]): Message {
  return {
    id: Number(row.id),
    accountId: row.account_id,
    extensionId: row.extension_id,
    type: row.type as MessageType,
    direction: row.direction as Direction,
    availability: row.availability as Availability,
    readStatus: row.read_status as ReadStatus,
    messageStatus: row.message_status as MessageStatus,
    priority: row.priority as Message['priority'],
    subject: row.subject ?? undefined,
    from: row.from_party ? JSON.parse(row.from_party) : undefined,
    to: JSON.parse(row.to_parties),
    conversationId: row.conversation_id === null ? undefined : Number(row.conversation_id),
    creationTime: Number(row.creation_time),
    lastModifiedTime: Number(row.last_modified_time),
    extra: JSON.parse(row.extra),
    attachments: attachments.map(
      (a): Attachment => ({
        id: Number(a.id),
        type: a.type as AttachmentType,
        contentType: a.content_type,
        fileName: a.file_name ?? undefined,
        size: Number(a.size),
        ...JSON.parse(a.extra),
      }),
    ),
  }
}
