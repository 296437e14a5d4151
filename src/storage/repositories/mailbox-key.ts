import type { Kysely } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { DB } from '../schema.js'

/**
 * The mailbox a job's payload names. Jobs enqueued before migration 0006 carry the
 * extension only; their account is looked up once, by the extension's id, which is
 * unique in the whole store.
 */
export async function payloadMailbox(
  db: Kysely<DB>,
  payload: { accountId?: string; extensionId: string },
): Promise<MailboxKey | undefined> {
  if (payload.accountId !== undefined)
    return { accountId: payload.accountId, extensionId: payload.extensionId }
  const row = await db
    .selectFrom('mailboxes')
    .select('account_id')
    .where('extension_id', '=', payload.extensionId)
    .executeTakeFirst()
  return row ? { accountId: row.account_id, extensionId: payload.extensionId } : undefined
}
