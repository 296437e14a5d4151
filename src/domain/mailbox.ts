/**
 * A mailbox: one extension of one account, by their ids. Every query on a tenant table
 * names the account first, so that a store sharded by account (src/storage/tenancy.ts)
 * routes the query to one shard.
 */
export interface MailboxKey {
  accountId: string
  extensionId: string
}

/**
 * The mailbox a request's path names, as written: `…/account/{accountId}/extension/{extensionId}/…`,
 * where `~` stands for the caller's own. It becomes a MailboxKey once resolved for a caller
 * (services/mailbox-access.ts).
 */
export interface MailboxPath {
  accountId: string
  extensionId: string
}
