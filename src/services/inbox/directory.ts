import type { Kysely } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import { availabilityTallies, outboxByReadStatus } from '../../storage/repositories/inbox-page.js'
import { type HistoryEntry, historyOf } from '../../storage/repositories/message-history.js'
import { mailboxSeq } from '../../storage/repositories/messages.js'
import type { DB } from '../../storage/schema.js'

/** Mailboxes whose folder counts are kept (a few bytes each). */
const MAILBOXES_COUNTED = 10_000

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
  private readonly counted = new Map<string, { seq: number; folders: FolderCount[] }>()

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
  async exists(mailbox: MailboxKey): Promise<boolean> {
    const row = await this.db
      .selectFrom('extensions')
      .select('id')
      .where('id', '=', mailbox.extensionId)
      .where('account_id', '=', mailbox.accountId)
      .executeTakeFirst()
    return row !== undefined
  }

  /**
   * Counts per folder. The totals come from one read of the list index alone
   * (which leads with the account: a read without it scanned the whole index, every
   * mailbox); the Outbox needs the delivery state, which is not in that index: it is
   * read from the Outbox's partial index (migration 0013) and its few rows. Both are
   * kept per mailbox until its change number moves (one primary-key read tells), so
   * paging through a large mailbox counts once.
   */
  async folders(mailbox: MailboxKey): Promise<FolderCount[]> {
    const seq = await mailboxSeq(this.db, mailbox)
    const kept = this.counted.get(mailbox.extensionId)
    if (kept && seq !== undefined && kept.seq === seq) return kept.folders
    const [tallies, queued] = await Promise.all([
      availabilityTallies(this.db, mailbox),
      outboxByReadStatus(this.db, mailbox),
    ])
    const folder = (name: FolderCount['name']): FolderCount => ({ name, total: 0, unread: 0 })
    const [inbox, outbox, sent, deleted] = [
      folder('Inbox'),
      folder('Outbox'),
      folder('Sent'),
      folder('Deleted'),
    ]
    const add = (f: FolderCount, readStatus: string, n: number) => {
      f.total += n
      if (readStatus === 'Unread') f.unread += n
    }
    for (const t of tallies) {
      if (t.availability === 'Deleted') {
        deleted.total += t.total
        deleted.unread += t.unread
        continue
      }
      inbox.total += t.inbound
      inbox.unread += t.inboundUnread
      sent.total += t.total - t.inbound
      sent.unread += t.unread - t.inboundUnread
    }
    // Sent counts the outbound messages already handed over; the Outbox the rest.
    for (const q of queued) {
      add(outbox, q.read_status, Number(q.n))
      add(sent, q.read_status, -Number(q.n))
    }
    const folders = [inbox, outbox, sent, deleted]
    if (seq !== undefined) this.counted.set(mailbox.extensionId, { seq, folders })
    if (this.counted.size > MAILBOXES_COUNTED) this.counted.delete(this.counted.keys().next().value!)
    return folders
  }

  /** A message's stored changes, oldest first (storage/repositories/message-history.ts: every change, kept after a purge). */
  history(mailbox: MailboxKey, messageId: number): Promise<HistoryEntry[]> {
    return historyOf(this.db, mailbox, messageId)
  }
}
