import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import { participantsKey } from '../../domain/message/conversation.js'
import type { Attachment, Message, Party } from '../../domain/message/model.js'
import { renderRecord } from '../../domain/message/record.js'
import { canLockRows } from '../dialects/row-locks.js'
import type { DB } from '../schema.js'
import { lockMailbox } from './message-changes.js'
import { nextChangeSeq, partyDigits } from './messages.js'
import { recordChange } from './notification-outbox.js'

/**
 * Messages kept as another server recorded them (import of export archives, mirroring):
 * with their own ids, attachment ids and times, upserted by id. A message whose rendered
 * record is byte for byte the stored one is left alone (no change number, no
 * notification); any other write takes the mailbox's next change number, like every
 * change of the store, so message sync and notifications report it.
 *
 * Lock order as every writer of a mailbox: the mailbox row, then the message row
 * (PostgreSQL; SQLite serialises writers). Every statement names the account.
 */

export type KeptOutcome = 'created' | 'changed' | 'unchanged'

/** The message id or an attachment id is already used elsewhere in the store. */
export class KeptIdTaken extends Error {}

export interface KeepTarget extends MailboxKey {
  /** Store-clock time: when a message became Deleted or Purged here (the purge sweeps count from it). */
  now: number
}

/** Upserts one message; call inside a transaction. Answers what happened and blob keys no longer referenced. */
export async function upsertKeptMessage(
  trx: Transaction<DB>,
  target: KeepTarget,
  message: Message,
): Promise<{ outcome: KeptOutcome; releasedBlobKeys: string[] }> {
  const lockRows = canLockRows(trx)
  if (lockRows) await lockMailbox(trx, target)
  let query = trx
    .selectFrom('messages')
    .selectAll()
    .where('account_id', '=', target.accountId)
    .where('id', '=', message.id)
  if (lockRows) query = query.forUpdate()
  const existing = await query.executeTakeFirst()
  if (existing && existing.extension_id !== target.extensionId) {
    throw new KeptIdTaken(`message ${message.id} is already kept in extension ${existing.extension_id}`)
  }
  const record = renderRecord(message)
  if (existing && Buffer.from(existing.record).equals(record))
    return { outcome: 'unchanged', releasedBlobKeys: [] }

  const seq = await nextChangeSeq(trx, target)
  if (message.conversationId !== undefined) {
    const parties = [message.from, ...message.to].filter((p): p is Party => p !== undefined)
    await trx
      .insertInto('conversations')
      .values({
        id: message.conversationId,
        account_id: target.accountId,
        participants: participantsKey(
          parties.map((p) => p.phoneNumber ?? p.extensionNumber ?? '').filter(Boolean),
        ),
        created_at: message.creationTime,
      })
      // No conflict target: the key is (id) on SQLite, (account_id, id) on PostgreSQL (migration 0006).
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
  const parties = [message.from, ...message.to].filter((p): p is Party => p !== undefined)
  const columns = {
    type: message.type,
    direction: message.direction,
    availability: message.availability,
    read_status: message.readStatus,
    message_status: message.messageStatus,
    priority: message.priority,
    subject: message.subject ?? null,
    from_party: message.from ? JSON.stringify(message.from) : null,
    to_parties: JSON.stringify(message.to),
    party_digits: partyDigits(parties),
    conversation_id: message.conversationId ?? null,
    creation_time: message.creationTime,
    last_modified_time: message.lastModifiedTime,
    change_seq: seq,
    extra: JSON.stringify(message.extra),
    deleted_at: message.availability === 'Alive' ? null : (existing?.deleted_at ?? target.now),
    purged_at: message.availability === 'Purged' ? (existing?.purged_at ?? target.now) : null,
    record,
  }
  try {
    if (existing) {
      await trx
        .updateTable('messages')
        .set(columns)
        .where('account_id', '=', target.accountId)
        .where('id', '=', message.id)
        .execute()
    } else {
      await trx
        .insertInto('messages')
        .values({
          id: message.id,
          account_id: target.accountId,
          extension_id: target.extensionId,
          ...columns,
        })
        .execute()
    }
  } catch (err) {
    // SQLite keys messages by id alone: the id may belong to another account of the store.
    throw new KeptIdTaken(`message id ${message.id} is already used in this store (${String(err)})`)
  }
  const releasedBlobKeys = await keepAttachmentRows(trx, target, message, existing !== undefined)
  await recordChange(trx, {
    accountId: target.accountId,
    extensionId: target.extensionId,
    messageId: message.id,
    type: message.type,
    direction: message.direction,
    kind: existing ? 'updated' : 'new',
    seq,
    state: {
      availability: message.availability,
      readStatus: message.readStatus,
      messageStatus: message.messageStatus,
    },
    record: existing ? undefined : record,
    at: target.now,
  })
  return { outcome: existing ? 'changed' : 'created', releasedBlobKeys }
}

/**
 * The attachment rows of a kept message, by the record's attachment ids: metadata
 * updated, bytes already stored kept (a Purged message keeps none), rows the record
 * no longer lists removed. Answers the blob keys dropped.
 */
async function keepAttachmentRows(
  trx: Transaction<DB>,
  target: KeepTarget,
  message: Message,
  existed: boolean,
): Promise<string[]> {
  const rows = existed
    ? await trx
        .selectFrom('attachments')
        .select(['id', 'blob_key'])
        .where('account_id', '=', target.accountId)
        .where('message_id', '=', message.id)
        .execute()
    : []
  const before = new Map(rows.map((r) => [Number(r.id), r.blob_key]))
  const purged = message.availability === 'Purged'
  const released: string[] = []
  for (const [position, a] of message.attachments.entries()) {
    const values = attachmentColumns(a, position)
    if (before.has(a.id)) {
      const key = before.get(a.id) ?? null
      if (purged && key !== null) released.push(key)
      await trx
        .updateTable('attachments')
        .set({ ...values, ...(purged ? { blob_key: null } : {}) })
        .where('account_id', '=', target.accountId)
        .where('message_id', '=', message.id)
        .where('id', '=', a.id)
        .execute()
      before.delete(a.id)
      continue
    }
    try {
      await trx
        .insertInto('attachments')
        .values({ id: a.id, message_id: message.id, account_id: target.accountId, blob_key: null, ...values })
        .execute()
    } catch (err) {
      throw new KeptIdTaken(`attachment id ${a.id} is already used in this store (${String(err)})`)
    }
  }
  for (const [id, key] of before) {
    if (key !== null) released.push(key)
    await trx
      .deleteFrom('attachments')
      .where('account_id', '=', target.accountId)
      .where('message_id', '=', message.id)
      .where('id', '=', id)
      .execute()
  }
  return released
}

function attachmentColumns(a: Attachment, position: number) {
  return {
    position,
    type: a.type,
    content_type: a.contentType,
    file_name: a.fileName ?? null,
    size: a.size,
    extra: JSON.stringify({ vmDuration: a.vmDuration, width: a.width, height: a.height }),
  }
}

/**
 * After messages went in with explicit ids: moves PostgreSQL's id sequences past the
 * account's largest ids, never back (another node may have drawn numbers meanwhile).
 * SQLite's rowid follows by itself.
 */
export async function advanceIdSequences(db: Kysely<DB>, accountId: string): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const table of ['messages', 'attachments'] as const) {
    const { rows } = await sql<{
      seq: string
    }>`select pg_get_serial_sequence(${table}, 'id') as seq`.execute(db)
    const seq = rows[0]?.seq
    if (!seq) continue
    const max = await db
      .selectFrom(table)
      .select((eb) => eb.fn.max<number | null>('id').as('max'))
      .where('account_id', '=', accountId)
      .executeTakeFirst()
    const top = Number(max?.max ?? 0)
    if (top === 0) continue
    // `seq` comes from the catalog (schema-qualified, quoted where needed), never from input.
    await sql`select setval(${seq}::regclass, ${top}) where ${top} > (select last_value from ${sql.raw(seq)})`.execute(
      db,
    )
  }
}

/** Which of `ids` the mailbox holds (in any state). */
export async function keptMessageIds(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  ids: number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom('messages')
    .select('id')
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('id', 'in', ids)
    .execute()
  return new Set(rows.map((r) => Number(r.id)))
}
