import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import { type ListQuery, parseListQuery, type Query } from '../domain/message/list-query.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import { listRecords, recordsByIds } from '../storage/repositories/messages.js'
import type { DB } from '../storage/schema.js'
import type { Mailbox } from './mailbox-access.js'

export interface MessagePage {
  query: ListQuery
  total: number
  /** The page's pre-rendered records joined by commas (see domain/message/record.ts); null when empty. */
  records: string | Buffer | null
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
    const { total, records } = await listRecords(this.db, this.dialect, {
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
    return { query, total, records }
  }

  /** Records by id, whatever their availability; ids not in this mailbox are absent from the map. */
  async read(mailbox: Mailbox, ids: number[]): Promise<Map<number, Buffer>> {
    return recordsByIds(this.db, mailbox.extensionId, ids)
  }
}
