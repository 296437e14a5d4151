import { type Kysely, sql, type Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import { participantsKey } from '../../domain/message/conversation.js'
import type { Attachment, AttachmentType, Message, MessageExtra, Party } from '../../domain/message/model.js'
import { renderRecord } from '../../domain/message/record.js'
import { digitsOf } from '../../lib/phone.js'
import type { DB } from '../schema.js'
import { recordChange } from './notification-outbox.js'
import type { NewAttachmentRow, NewMessageRow } from './row-columns.js'

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
export async function nextChangeSeq(trx: Transaction<DB>, mailbox: MailboxKey): Promise<number> {
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
export async function insertMessage(
  trx: Transaction<DB>,
  draft: MessageDraft,
  now: number,
): Promise<Message> {
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
    } satisfies NewMessageRow)
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
      } satisfies NewAttachmentRow)
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
  const record = renderRecord(message)
  await trx
    .updateTable('messages')
    .set({ record })
    .where('account_id', '=', draft.accountId)
    .where('id', '=', id)
    .execute()
  await recordChange(trx, {
    accountId: draft.accountId,
    extensionId: draft.extensionId,
    messageId: Number(id),
    type: draft.type,
    direction: draft.direction,
    kind: 'new',
    seq,
    state: {
      availability: draft.availability,
      readStatus: draft.readStatus,
      messageStatus: draft.messageStatus,
    },
    record,
    at: now,
  })
  return message
}

/** ",16505550101,14155550123," — what the phoneNumber filter searches. */
export function partyDigits(parties: Party[]): string {
  const digits = parties.map((p) => (p.phoneNumber ? digitsOf(p.phoneNumber) : '')).filter(Boolean)
  return digits.length ? `,${digits.join(',')},` : ''
}

export { type ListFilter, listRecords, matchingTimes } from './list-page.js'

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
