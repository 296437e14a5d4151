import { type Kysely, sql } from 'kysely'
import { OUTBOX_STATUSES } from '../domain/message/retention.js'
import type { DB } from '../storage/schema.js'
import type { Mailbox } from './mailbox-access.js'

export interface InboxExtension {
  id: string
  extensionNumber: string
  name: string
  type: 'User' | 'Department'
  status: string
  phoneNumbers: string[]
}

export interface InboxAccount {
  id: string
  name: string
  mainNumber: string | null
  extensions: InboxExtension[]
}

/**
 * A mailbox's folders as RingCentral's retention rules name them (Inbox, Outbox, Sent,
 * Deleted), each with the list filters that show it and its counts.
 */
export interface FolderCount {
  name: 'Inbox' | 'Outbox' | 'Sent' | 'Deleted'
  total: number
  unread: number
}

/** What the web inbox shows around a mailbox: accounts, their extensions and numbers, folder counts. */
export class InboxDirectory {
  constructor(private readonly db: Kysely<DB>) {}

  /** Every account with its extensions and their numbers, in id and extension-number order. */
  async accounts(): Promise<InboxAccount[]> {
    const [accounts, extensions, numbers] = await Promise.all([
      this.db.selectFrom('accounts').select(['id', 'name', 'main_number']).orderBy('id').execute(),
      this.db
        .selectFrom('extensions')
        .select(['id', 'account_id', 'extension_number', 'name', 'type', 'status'])
        .orderBy('extension_number')
        .execute(),
      this.db
        .selectFrom('phone_numbers')
        .select(['phone_number', 'extension_id'])
        .orderBy('phone_number')
        .execute(),
    ])
    const numbersOf = new Map<string, string[]>()
    for (const n of numbers) {
      const list = numbersOf.get(n.extension_id) ?? []
      list.push(n.phone_number)
      numbersOf.set(n.extension_id, list)
    }
    const byAccount = new Map<string, InboxExtension[]>()
    for (const e of extensions) {
      const list = byAccount.get(e.account_id) ?? []
      list.push({
        id: e.id,
        extensionNumber: e.extension_number,
        name: e.name,
        type: e.type,
        status: e.status,
        phoneNumbers: numbersOf.get(e.id) ?? [],
      })
      byAccount.set(e.account_id, list)
    }
    return accounts.map((a) => ({
      id: a.id,
      name: a.name,
      mainNumber: a.main_number,
      extensions: byAccount.get(a.id) ?? [],
    }))
  }

  /** Whether the mailbox exists (an extension of that account). */
  async exists(mailbox: Mailbox): Promise<boolean> {
    const row = await this.db
      .selectFrom('extensions')
      .select('id')
      .where('id', '=', mailbox.extensionId)
      .where('account_id', '=', mailbox.accountId)
      .executeTakeFirst()
    return row !== undefined
  }

  /** Counts per folder in one grouped read of the list index. */
  async folders(mailbox: Mailbox): Promise<FolderCount[]> {
    const outbox = sql.join(OUTBOX_STATUSES.map((s) => sql`${s}`))
    const groups = await this.db
      .selectFrom('messages')
      .select([
        'availability',
        'direction',
        'read_status',
        sql<number>`case when message_status in (${outbox}) then 1 else 0 end`.as('queued'),
        sql<number>`count(*)`.as('n'),
      ])
      .where('account_id', '=', mailbox.accountId)
      .where('extension_id', '=', mailbox.extensionId)
      .where('availability', 'in', ['Alive', 'Deleted'])
      .groupBy(['availability', 'direction', 'read_status', sql`4`])
      .execute()
    const folders: FolderCount[] = (['Inbox', 'Outbox', 'Sent', 'Deleted'] as const).map((name) => ({
      name,
      total: 0,
      unread: 0,
    }))
    for (const g of groups) {
      const folder =
        g.availability === 'Deleted'
          ? folders[3]!
          : g.direction === 'Inbound'
            ? folders[0]!
            : Number(g.queued) === 1
              ? folders[1]!
              : folders[2]!
      folder.total += Number(g.n)
      if (g.read_status === 'Unread') folder.unread += Number(g.n)
    }
    return folders
  }
}
