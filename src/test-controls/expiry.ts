import { type Kysely, sql } from 'kysely'
import type { Clock } from '../domain/clock.js'
import { requireAccount } from '../services/mailbox-access.js'
import type { DB } from '../storage/schema.js'

export interface ExtensionRef {
  accountId: string
  extensionId: string
}

/**
 * Ends every access token of an extension now, and with `refresh` its refresh tokens
 * too. The tokens stay in the store with an expiry of now, so a request with one is
 * answered exactly as one whose hour ran out (401 OAU-128) and the SDKs take their
 * refresh path; the refresh grant works while the refresh token is left alone.
 */
export async function expireTokens(
  db: Kysely<DB>,
  clock: Clock,
  ext: ExtensionRef,
  refresh: boolean,
): Promise<number> {
  await requireAccount(db, ext.accountId, ext.extensionId)
  const now = clock.now()
  const kinds = refresh ? (['access', 'refresh'] as const) : (['access'] as const)
  const result = await db
    .updateTable('oauth_tokens')
    .set({ expires_at: now })
    .where('kind', 'in', kinds)
    .where('expires_at', '>', now)
    .where(
      'session_id',
      'in',
      db
        .selectFrom('oauth_sessions')
        .select('id')
        .where('account_id', '=', ext.accountId)
        .where('extension_id', '=', ext.extensionId),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Makes ISync refuse every sync token issued so far for the mailbox: the mailbox takes
 * one change number and its floor rises to it (see migration 0010). FSync issues tokens
 * at or above the floor, which ISync takes again.
 */
export async function expireSyncTokens(db: Kysely<DB>, ext: ExtensionRef): Promise<void> {
  await requireAccount(db, ext.accountId, ext.extensionId)
  await sql`update mailboxes set change_seq = change_seq + 1, sync_floor = change_seq + 1
    where account_id = ${ext.accountId} and extension_id = ${ext.extensionId}`.execute(db)
}
