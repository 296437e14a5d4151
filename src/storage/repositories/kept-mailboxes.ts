import type { Kysely } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { DB } from '../schema.js'

/**
 * The local mailbox of a source extension (services/message-keeping): the account's
 * extension of the same id, else of the same extension number, else a new extension with
 * the source's id, its number (or the id when the source names none) and name, type User,
 * no password, and its mailbox. `no account`: the account does not exist; `id taken`: the
 * source's id is another account's extension.
 */
export function keptMailbox(
  db: Kysely<DB>,
  accountId: string,
  source: { id: string; extensionNumber?: string; name?: string },
  now: number,
): Promise<(MailboxKey & { extensionNumber: string; created: boolean }) | 'no account' | 'id taken'> {
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', accountId)
      .executeTakeFirst()
    if (!account) return 'no account'
    const byId = await trx
      .selectFrom('extensions')
      .select(['id', 'extension_number'])
      .where('account_id', '=', accountId)
      .where('id', '=', source.id)
      .executeTakeFirst()
    const byNumber =
      byId ??
      (source.extensionNumber === undefined
        ? undefined
        : await trx
            .selectFrom('extensions')
            .select(['id', 'extension_number'])
            .where('account_id', '=', accountId)
            .where('extension_number', '=', source.extensionNumber)
            .executeTakeFirst())
    if (byNumber) {
      // A provisioned extension always has its mailbox; an older store may lack one.
      await trx
        .insertInto('mailboxes')
        .values({ extension_id: byNumber.id, account_id: accountId, change_seq: 0 })
        .onConflict((oc) => oc.doNothing())
        .execute()
      return {
        accountId,
        extensionId: byNumber.id,
        extensionNumber: byNumber.extension_number,
        created: false,
      }
    }
    // Extension ids are unique in the whole store (a cross-account statement of storage/tenancy.ts).
    const elsewhere = await trx
      .selectFrom('extensions')
      .select('id')
      .where('id', '=', source.id)
      .executeTakeFirst()
    if (elsewhere) return 'id taken'
    const extensionNumber = source.extensionNumber ?? source.id
    await trx
      .insertInto('extensions')
      .values({
        id: source.id,
        account_id: accountId,
        extension_number: extensionNumber,
        name: source.name ?? `Extension ${extensionNumber}`,
        type: 'User',
        role: 'User',
        status: 'Enabled',
        password_hash: null,
        created_at: now,
      })
      .execute()
    await trx
      .insertInto('mailboxes')
      .values({ extension_id: source.id, account_id: accountId, change_seq: 0 })
      .execute()
    return { accountId, extensionId: source.id, extensionNumber, created: true }
  })
}
