import type { Kysely } from 'kysely'
import { errors } from '../domain/errors.js'
import type { MailboxKey } from '../domain/mailbox.js'
import type { Principal } from '../domain/principal.js'
import type { DB } from '../storage/schema.js'

/**
 * Resolves the `{accountId}/extension/{extensionId}` of a path for a caller. `~` is
 * the caller's own. Another extension's mailbox is open only to a SuperAdmin of the
 * same account; another account is never reachable.
 */
export async function resolveMailbox(
  db: Kysely<DB>,
  principal: Principal,
  accountParam: string,
  extensionParam: string,
): Promise<MailboxKey> {
  const accountId = resolveAccount(principal, accountParam)
  if (extensionParam === '~' || extensionParam === principal.extensionId) {
    return { accountId, extensionId: principal.extensionId }
  }
  if (principal.role !== 'SuperAdmin') throw errors.anotherExtension()
  if (!/^\d{1,18}$/.test(extensionParam)) throw errors.notFound('extensionId')
  const found = await db
    .selectFrom('mailboxes')
    .select('extension_id')
    .where('extension_id', '=', extensionParam)
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  if (!found) throw errors.notFound('extensionId')
  return { accountId, extensionId: extensionParam }
}

/** The mailbox a request names, for the HTTP layer's mailbox hook (http/plugins/mailbox.ts). */
export class MailboxAccess {
  constructor(private readonly db: Kysely<DB>) {}

  resolve(principal: Principal, accountParam: string, extensionParam: string): Promise<MailboxKey> {
    return resolveMailbox(this.db, principal, accountParam, extensionParam)
  }
}

export function resolveAccount(principal: Principal, accountParam: string): string {
  if (accountParam === '~' || accountParam === principal.accountId) return principal.accountId
  throw errors.anotherAccount()
}

/**
 * An account (and one of its extensions) named by an operator (admin calls, the command
 * line), not by a caller's path: 404 `accountId` when the store has no such account, then
 * 404 `extensionId` when the account has no such extension.
 */
export async function requireAccount(db: Kysely<DB>, accountId: string, extensionId?: string): Promise<void> {
  const account = await db.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst()
  if (!account) throw errors.notFound('accountId')
  if (extensionId === undefined) return
  const extension = await db
    .selectFrom('extensions')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', extensionId)
    .executeTakeFirst()
  if (!extension) throw errors.notFound('extensionId')
}
