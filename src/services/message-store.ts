import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import { type ListQuery, parseListQuery, type Query } from '../domain/message/list-query.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import { listRecords, mailboxSeq, recordsByIds } from '../storage/repositories/messages.js'
import type { DB } from '../storage/schema.js'
import type { Mailbox } from './mailbox-access.js'

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

/** The read side of a mailbox. */
export class MessageStoreService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: DialectInfo,
    private readonly clock: Clock,
  ) {}

  async list(mailbox: Mailbox, rawQuery: Query): Promise<MessagePage> {
    const query = parseListQuery(rawQuery, this.clock.now())
    const { total, records, mailboxSeq, nextCreation } = await listRecords(this.db, this.dialect, {
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
    })
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

  /** Whether a page listed earlier is still exactly what listing again would answer. */
  async stillValid(mailbox: Mailbox, validity: PageValidity): Promise<boolean> {
    if (this.clock.now() >= validity.until) return false
    return (await mailboxSeq(this.db, mailbox)) === validity.mailboxSeq
  }

  /** Records by id, whatever their availability; ids not in this mailbox are absent from the map. */
  async read(mailbox: Mailbox, ids: number[]): Promise<Map<number, Buffer>> {
    return recordsByIds(this.db, mailbox, ids)
  }
}
