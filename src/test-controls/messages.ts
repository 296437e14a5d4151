import { type Kysely, sql } from 'kysely'
import { errors } from '../domain/errors.js'
import { DIRECTIONS, MESSAGE_TYPES } from '../domain/message/model.js'
import { BASE_MARK } from '../domain/message/record.js'
import { parseIsoDate } from '../lib/iso.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import { textMatches } from '../storage/repositories/text-search.js'
import type { DB } from '../storage/schema.js'

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000

export interface MessageSearch {
  accountId?: string
  extensionId?: string
  type?: string
  direction?: string
  /** Text, subject or phone number, case-insensitive. */
  q?: string
  /** Created at or after. */
  since?: number
  limit: number
}

/** The admin listing's query string, validated; a bad value is a 400 naming it. */
export function parseMessageSearch(query: Record<string, unknown>): MessageSearch {
  const text = (name: string): string | undefined => {
    const value = query[name]
    if (value === undefined || value === '') return undefined
    if (typeof value !== 'string') throw errors.invalidParameter(name, 'Give it once.')
    return value
  }
  const type = text('type')
  // MMS is stored as RingCentral returns it: type SMS with MmsAttachment attachments.
  const storedType = type === 'MMS' ? 'SMS' : type
  if (storedType !== undefined && !(MESSAGE_TYPES as readonly string[]).includes(storedType))
    throw errors.invalidParameter('type', `Allowed values: ${MESSAGE_TYPES.join(', ')}, MMS.`)
  const direction = text('direction')
  if (direction !== undefined && !(DIRECTIONS as readonly string[]).includes(direction))
    throw errors.invalidParameter('direction', `Allowed values: ${DIRECTIONS.join(', ')}.`)
  const sinceText = text('since')
  const since = sinceText === undefined ? undefined : parseIsoDate(sinceText)
  if (sinceText !== undefined && since === undefined)
    throw errors.invalidParameter('since', 'Expected an ISO 8601 date-time.')
  const limitText = text('limit')
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw errors.invalidParameter('limit', `Expected an integer from 1 to ${MAX_LIMIT}.`)
  return {
    accountId: text('accountId'),
    extensionId: text('extensionId'),
    type: storedType,
    direction,
    q: text('q'),
    since,
    limit,
  }
}

/**
 * Stored messages across mailboxes, newest first: each record as the REST API renders
 * it, plus the extension that owns it. For tests that check what an app sent without
 * logging in as each user; it reads every account on purpose.
 */
export async function searchMessages(
  db: Kysely<DB>,
  dialect: DialectInfo,
  search: MessageSearch,
  baseUrl: string,
): Promise<{ records: Record<string, unknown>[] }> {
  const conditions = [sql`1 = 1`]
  if (search.accountId !== undefined) conditions.push(sql`m.account_id = ${search.accountId}`)
  if (search.extensionId !== undefined) conditions.push(sql`m.extension_id = ${search.extensionId}`)
  if (search.type !== undefined) conditions.push(sql`m.type = ${search.type}`)
  if (search.direction !== undefined) conditions.push(sql`m.direction = ${search.direction}`)
  if (search.since !== undefined) conditions.push(sql`m.creation_time >= ${search.since}`)
  if (search.q !== undefined)
    conditions.push(textMatches(dialect, search.q, (column) => sql.ref(`m.${column}`)))
  const rows = await sql<{ extension_id: string; record: string }>`select m.extension_id,
      ${dialect.recordText(sql`m.record`)} as record
    from messages m where ${sql.join(conditions, sql` and `)}
    order by m.creation_time desc, m.id desc limit ${search.limit}`.execute(db)
  return {
    records: rows.rows.map((row) => ({
      ...(JSON.parse(row.record.replaceAll(BASE_MARK, baseUrl)) as Record<string, unknown>),
      extensionId: row.extension_id,
    })),
  }
}
