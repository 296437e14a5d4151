import type { Kysely } from 'kysely'
import { errors } from '../../domain/errors.js'
import type { MailboxKey } from '../../domain/mailbox.js'
import { dateParam, enumValues, positiveInt, type Query, single } from '../../domain/message/list-query.js'
import { DIRECTIONS, MESSAGE_TYPES, READ_STATUSES } from '../../domain/message/model.js'
import type { DialectInfo } from '../../storage/dialects/dialect.js'
import {
  type FolderFilter,
  type FolderName,
  folderCount,
  folderHasBeyond,
  folderRows,
  type PageKey,
} from '../../storage/repositories/inbox-page.js'
import { mailboxSeq } from '../../storage/repositories/messages.js'
import type { DB } from '../../storage/schema.js'

export const FOLDER_NAMES: readonly FolderName[] = ['Inbox', 'Outbox', 'Sent', 'Deleted', 'All']
const MAX_PER_PAGE = 250
/** Filtered counts kept (each a few bytes), valid while their mailbox's change number stands. */
const COUNTS_KEPT = 10_000

export interface FolderPage {
  perPage: number
  /** Pre-rendered records, newest first. */
  records: Buffer[]
  /** Where the page just newer than this one ends (`before=`); null on the newest page. */
  newer: string | null
  /** Where the page just older starts (`after=`); null on the oldest page. */
  older: string | null
}

/**
 * The web inbox's folders, paged by key: `after` (older than a message), `before`
 * (newer than one) or `oldest=true` (the last page), never by offset, so that every
 * page of a large mailbox costs what the first does. Counts are separate calls, kept
 * per filter until the mailbox changes: the page is drawn without waiting for them.
 */
export class InboxFolders {
  private readonly counted = new Map<string, { seq: number; total: number }>()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: DialectInfo,
  ) {}

  async page(mailbox: MailboxKey, folder: string, query: Query): Promise<FolderPage> {
    const filter = filterOf(mailbox, folder, query)
    const perPage = positiveInt(query, 'perPage') ?? 50
    if (perPage > MAX_PER_PAGE) throw errors.invalidParameter('perPage', `At most ${MAX_PER_PAGE}.`)
    const after = keyParam(query, 'after')
    const before = keyParam(query, 'before')
    const oldest = single(query, 'oldest') === 'true'
    if ([after, before, oldest || undefined].filter((v) => v !== undefined).length > 1)
      throw errors.invalidParameter('after', 'Give one of after, before and oldest.')
    // One row more than the page tells whether there is more on the side it reads towards.
    const rows = await folderRows(this.db, this.dialect, filter, { after, before, oldest }, perPage + 1)
    const towardsNewer = before !== undefined || oldest
    const more = rows.length > perPage
    const page = more ? (towardsNewer ? rows.slice(1) : rows.slice(0, perPage)) : rows
    const first = page[0]
    const last = page[page.length - 1]
    const keyOf = (r: { creation_time: number; id: number }) => `${r.creation_time}.${r.id}`
    let newer: string | null = null
    let older: string | null = null
    if (first && last) {
      const hasNewer = towardsNewer
        ? more
        : after !== undefined &&
          (await folderHasBeyond(this.db, this.dialect, filter, rowKey(first), 'newer'))
      const hasOlder = towardsNewer
        ? !oldest && (await folderHasBeyond(this.db, this.dialect, filter, rowKey(last), 'older'))
        : more
      newer = hasNewer ? keyOf(first) : null
      older = hasOlder ? keyOf(last) : null
    }
    return { perPage, records: page.map((r) => r.record), newer, older }
  }

  /** How many messages the folder holds under the query's filters. */
  async count(mailbox: MailboxKey, folder: string, query: Query): Promise<number> {
    const filter = filterOf(mailbox, folder, query)
    const key = JSON.stringify(filter)
    const seq = await mailboxSeq(this.db, mailbox)
    const kept = this.counted.get(key)
    if (kept && kept.seq === seq) return kept.total
    const total = await folderCount(this.db, this.dialect, filter)
    if (seq !== undefined) {
      this.counted.delete(key)
      this.counted.set(key, { seq, total })
      if (this.counted.size > COUNTS_KEPT) this.counted.delete(this.counted.keys().next().value!)
    }
    return total
  }
}

function rowKey(r: { creation_time: number; id: number }): PageKey {
  return { creationTime: r.creation_time, id: r.id }
}

function filterOf(mailbox: MailboxKey, folder: string, query: Query): FolderFilter {
  if (!FOLDER_NAMES.includes(folder as FolderName)) throw errors.notFound('folder')
  const conversation = single(query, 'conversationId')
  if (conversation !== undefined && !/^\d{1,18}$/.test(conversation))
    throw errors.invalidParameter('conversationId', 'Expected a conversation id.')
  return {
    accountId: mailbox.accountId,
    extensionId: mailbox.extensionId,
    folder: folder as FolderName,
    messageType: one(enumValues(query, 'messageType', MESSAGE_TYPES), 'messageType'),
    direction: one(enumValues(query, 'direction', DIRECTIONS), 'direction'),
    readStatus: one(enumValues(query, 'readStatus', READ_STATUSES), 'readStatus'),
    conversationId: conversation === undefined ? undefined : Number(conversation),
    dateFrom: dateParam(query, 'dateFrom'),
    dateTo: dateParam(query, 'dateTo'),
    q: searchText(query),
  }
}

function searchText(query: Query): string | undefined {
  const q = single(query, 'q')?.trim()
  if (!q) return undefined
  if (q.length > 200) throw errors.invalidParameter('q', 'At most 200 characters.')
  return q
}

function one<T>(list: T[] | undefined, name: string): T | undefined {
  if (list && list.length > 1) throw errors.invalidParameter(name, 'Only one value is allowed.')
  return list?.[0]
}

/** `<creationTime>.<id>`, as `newer` and `older` name a page's ends. */
function keyParam(query: Query, name: string): PageKey | undefined {
  const text = single(query, name)
  if (text === undefined) return undefined
  const m = /^(\d{1,16})\.(\d{1,18})$/.exec(text)
  if (!m) throw errors.invalidParameter(name, 'Expected a page key as paging.newer or paging.older gives it.')
  return { creationTime: Number(m[1]), id: Number(m[2]) }
}
