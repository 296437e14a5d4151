import type { Kysely, Selectable } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { MirrorMailboxesTable } from '../mirror-schema.js'
import type { DB } from '../schema.js'

export type MirrorMailboxRow = Selectable<MirrorMailboxesTable>

/** The state of `msgstore mirror` per mailbox (migration 0012). */
export class MirrorStateRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Every mirrored mailbox of `accountId`, or of the whole store; in account and extension order. */
  async list(accountId?: string): Promise<MirrorMailboxRow[]> {
    let query = this.db.selectFrom('mirror_mailboxes').selectAll()
    if (accountId !== undefined) query = query.where('account_id', '=', accountId)
    return query.orderBy('account_id').orderBy('extension_id').execute()
  }

  async get(key: MailboxKey): Promise<MirrorMailboxRow | undefined> {
    return this.db
      .selectFrom('mirror_mailboxes')
      .selectAll()
      .where('account_id', '=', key.accountId)
      .where('extension_id', '=', key.extensionId)
      .executeTakeFirst()
  }

  /** Makes the row of a mailbox the source names (a new extension appears), keeping an existing one. */
  async ensure(key: MailboxKey, source: string, extensionNumber: string | null): Promise<void> {
    await this.db
      .insertInto('mirror_mailboxes')
      .values({
        account_id: key.accountId,
        extension_id: key.extensionId,
        source,
        extension_number: extensionNumber,
      })
      .onConflict((oc) =>
        oc.columns(['account_id', 'extension_id']).doUpdateSet({ source, extension_number: extensionNumber }),
      )
      .execute()
  }

  /**
   * Records a finished sync: its new token and the counts it added. Called only once
   * every record and attachment the answer named is stored, so a restart resumes from
   * a token whose changes are all here.
   */
  async synced(
    key: MailboxKey,
    result: { syncToken: string; full: boolean; messages: number; attachments: number; at: number },
  ): Promise<void> {
    const { syncToken, full, messages, attachments, at } = result
    await this.db
      .updateTable('mirror_mailboxes')
      .set((eb) => ({
        sync_token: syncToken,
        token_issued_at: full ? at : eb.fn.coalesce('token_issued_at', eb.val(at)),
        last_sync_at: at,
        ...(full ? { last_full_sync_at: at } : {}),
        messages_mirrored: eb('messages_mirrored', '+', messages),
        attachments_mirrored: eb('attachments_mirrored', '+', attachments),
      }))
      .where('account_id', '=', key.accountId)
      .where('extension_id', '=', key.extensionId)
      .execute()
  }

  /** Forgets the token (the source refused it): the next pass starts with a full sync. */
  async dropToken(key: MailboxKey): Promise<void> {
    await this.db
      .updateTable('mirror_mailboxes')
      .set({ sync_token: null, token_issued_at: null })
      .where('account_id', '=', key.accountId)
      .where('extension_id', '=', key.extensionId)
      .execute()
  }

  async failed(key: MailboxKey, message: string, at: number): Promise<void> {
    await this.db
      .updateTable('mirror_mailboxes')
      .set((eb) => ({ errors: eb('errors', '+', 1), last_error: message.slice(0, 1000), last_error_at: at }))
      .where('account_id', '=', key.accountId)
      .where('extension_id', '=', key.extensionId)
      .execute()
  }
}

/**
 * Whether `msgstore mirror` keeps this account (it has mirrored a mailbox of it): the
 * retention sweep leaves such an account alone, since what the source removes by
 * retention is exactly what the mirror is there to keep.
 */
export async function isMirroredAccount(db: Kysely<DB>, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('mirror_mailboxes')
    .select('account_id')
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}
