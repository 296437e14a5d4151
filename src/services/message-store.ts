import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { MailboxKey } from '../domain/mailbox.js'
import { type ListQuery, parseListQuery, type Query } from '../domain/message/list-query.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import {
  type ListFilter,
  listRecords,
  mailboxSeq,
  matchingTimes,
  recordsByIds,
} from '../storage/repositories/messages.js'
import type { DB } from '../storage/schema.js'
import { countBetween, WindowCounts } from './window-counts.js'

export interface PageValidity {
  mailboxSeq: number
  /** Store-clock time from which the page may differ even without a change. */
  until: number
}

export interface MessagePage {
  query: ListQuery
  total: number
  /** The page's pre-rendered records joined by commas, as UTF-8 bytes (see domain/message/record.ts); null when empty. */
  records: Buffer | null
  /** When a copy of this page may be served again; undefined when it may not. */
  validity?: PageValidity
}

/** Creation times kept for window counts: 16 MB, a thousand mailboxes of 2,000 messages. */
const WINDOW_TIMES_KEPT = 2_000_000

/** What the kept times depend on: the mailbox and every filter but the dates and the page. */
function windowKey(f: ListFilter): string {
  return JSON.stringify([
    f.accountId,
    f.extensionId,
    f.availability,
    f.direction,
    f.messageType,
    f.readStatus,
    f.conversationId,
    f.phoneDigits,
  ])
}

function counted<T extends { total: number | null }>(page: T): T & { total: number } {
  if (page.total === null) throw new Error('list page read without its count')
  return page as T & { total: number }
}

/** The read side of a mailbox. */
export class MessageStoreService {
  private readonly counts = new WindowCounts(WINDOW_TIMES_KEPT)

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: DialectInfo,
    private readonly clock: Clock,
  ) {}

  async list(mailbox: MailboxKey, rawQuery: Query): Promise<MessagePage> {
    const query = parseListQuery(rawQuery, this.clock.now())
    const filter: ListFilter = {
      accountId: mailbox.accountId,
      extensionId: mailbox.extensionId,
      availability: query.availability,
      conversationId: query.conversationId,
      dateFrom: query.dateFrom,
      dateTo: query.dateTo,
      direction: query.direction,
      distinctConversations: query.distinctConversations,
      messageType: query.messageType,
      readStatus: query.readStatus,
      phoneDigits: query.phoneDigits,
      offset: (query.page - 1) * query.perPage,
      limit: query.perPage,
    }
    const { total, records, mailboxSeq, nextCreation } = await this.readPage(filter)
    // A page stays what it is while the mailbox's change number stands, unless its window
    // moves with the clock: an open end takes in a message created "in the future" once
    // the clock reaches it; a default start moves every instant, so such pages are not kept.
    const validity = query.defaulted.dateFrom
      ? undefined
      : {
          mailboxSeq,
          until: query.defaulted.dateTo
            ? (nextCreation ?? Number.POSITIVE_INFINITY)
            : Number.POSITIVE_INFINITY,
        }
    return { query, total, records, validity }
  }

  /**
   * The page and the window's count. The count comes from the kept creation times of
   * the filter (window-counts.ts) when they were read at the change number the page was
   * read at; otherwise the database counts, and the times are read for the next listing.
   */
  private async readPage(filter: ListFilter) {
    if (filter.distinctConversations) return counted(await listRecords(this.db, this.dialect, filter))
    const key = windowKey(filter)
    const known = this.counts.get(key)
    const page = await listRecords(this.db, this.dialect, filter, known === undefined)
    if (known && page.mailboxSeq === known.mailboxSeq)
      return { ...page, total: countBetween(known.times, filter.dateFrom, filter.dateTo) }
    // Changed since the times were read (or never read): count in the database this time.
    const fresh = page.total === null ? await listRecords(this.db, this.dialect, filter) : page
    const now = performance.now()
    if (this.counts.wantsLoad(key, now)) {
      const { mailboxSeq, times } = await matchingTimes(this.db, this.dialect, filter)
      this.counts.set(key, mailboxSeq, times, now)
    }
    return counted(fresh)
  }

  /** Whether a page listed earlier is still exactly what listing again would answer. */
  async stillValid(mailbox: MailboxKey, validity: PageValidity): Promise<boolean> {
    if (this.clock.now() >= validity.until) return false
    return (await mailboxSeq(this.db, mailbox)) === validity.mailboxSeq
  }

  /** Records by id, whatever their availability; ids not in this mailbox are absent from the map. */
  async read(mailbox: MailboxKey, ids: number[]): Promise<Map<number, Buffer>> {
    return recordsByIds(this.db, mailbox, ids)
  }
}
