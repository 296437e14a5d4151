import type { Transaction } from 'kysely'
import type { Message } from '../../domain/message/model.js'
import { canLockRows } from '../../storage/dialects/row-locks.js'
import { lockMailboxes } from '../../storage/repositories/message-status.js'
import { insertMessage, type MessageDraft } from '../../storage/repositories/messages.js'
import type { DB } from '../../storage/schema.js'

export interface Copies {
  accountId: string
  /** The sender's copy, when this step writes it. */
  outbound?: MessageDraft
  /** One copy per recipient mailbox of the account. */
  inbound: MessageDraft[]
  /** Mailboxes a later step of the same transaction writes (a fax's recipients, the sender's). */
  alsoWrites?: string[]
}

/**
 * Writes the copies of one sent message, SMS, pager or fax: every mailbox the transaction
 * writes is locked first, in one order (lockMailboxes, where rows can be locked), then the
 * sender's copy, then each recipient's. Two sends between the same extensions in opposite
 * directions then wait for each other instead of deadlocking. Answers the sender's copy.
 */
export async function storeCopies(
  trx: Transaction<DB>,
  copies: Copies,
  now: number,
): Promise<Message | undefined> {
  if (canLockRows(trx)) {
    const written = [copies.outbound, ...copies.inbound].flatMap((c) => (c ? [c.extensionId] : []))
    await lockMailboxes(trx, copies.accountId, [...written, ...(copies.alsoWrites ?? [])])
  }
  const outbound = copies.outbound && (await insertMessage(trx, copies.outbound, now))
  for (const copy of copies.inbound) await insertMessage(trx, copy, now)
  return outbound
}
