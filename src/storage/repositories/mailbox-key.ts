import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'

/**
 * A mailbox as every query on a tenant table names it: the account first, so that a
 * store sharded by account (src/storage/tenancy.ts) routes the query to one shard.
 */
export interface MailboxKey {
  accountId: string
  extensionId: string
}

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
