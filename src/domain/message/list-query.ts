import { parseIsoDate } from '../../lib/iso.js'
import { digitsOf, toE164 } from '../../lib/phone.js'
import { errors } from '../errors.js'
import {
  AVAILABILITIES,
  type Availability,
  DIRECTIONS,
  type Direction,
  MESSAGE_TYPES,
  type MessageType,
  READ_STATUSES,
  type ReadStatus,
} from './model.js'

export type Query = Record<string, string | string[] | undefined>

export interface ListQuery {
  availability: Availability[]
  conversationId?: number
  dateFrom: number
  dateTo: number
  direction?: Direction[]
  distinctConversations: boolean
  messageType?: MessageType[]
  readStatus?: ReadStatus[]
  phoneDigits?: string
  page: number
  perPage: number
  /** Which window bounds the request left to their defaults (they move with the clock). */
  defaulted: { dateFrom: boolean; dateTo: boolean }
}

const DAY = 24 * 60 * 60 * 1000
export const MAX_PER_PAGE = 1000

/** Every value of a parameter, whether repeated (`a=1&a=2`) or comma-separated (`a=1,2`). */
export function values(query: Query, name: string): string[] | undefined {
  const raw = query[name]
  if (raw === undefined) return undefined
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(','))
  const out = list.map((v) => v.trim()).filter((v) => v !== '')
  return out.length ? out : undefined
}

export function single(query: Query, name: string): string | undefined {
  const raw = query[name]
  if (raw === undefined) return undefined
  if (Array.isArray(raw)) {
    if (raw.length !== 1) throw errors.invalidParameter(name, 'Only one value is allowed.')
    return raw[0]
  }
  return raw
}

export function enumValues<T extends string>(
  query: Query,
  name: string,
  allowed: readonly T[],
): T[] | undefined {
  const list = values(query, name)
  if (!list) return undefined
  const bad = list.find((v) => !allowed.includes(v as T))
  if (bad !== undefined) throw errors.invalidParameter(name, `Allowed values: ${allowed.join(', ')}.`)
  return [...new Set(list)] as T[]
}

export function dateParam(query: Query, name: string): number | undefined {
  const text = single(query, name)
  if (text === undefined || text === '') return undefined
  const value = parseIsoDate(text)
  if (value === undefined) throw errors.invalidParameter(name, 'Expected an ISO 8601 date-time.')
  return value
}

export function positiveInt(query: Query, name: string): number | undefined {
  const text = single(query, name)
  if (text === undefined) return undefined
  if (!/^\d{1,9}$/.test(text.trim()) || Number(text) < 1) {
    throw errors.invalidParameter(name, 'Expected a positive integer.')
  }
  return Number(text)
}

export function booleanParam(query: Query, name: string): boolean | undefined {
  const text = single(query, name)
  if (text === undefined) return undefined
  if (/^true$/i.test(text)) return true
  if (/^false$/i.test(text)) return false
  throw errors.invalidParameter(name, 'Expected true or false.')
}

/** The listMessages query, with RingCentral's defaults: the last 24 hours, Alive only, 100 per page. */
export function parseListQuery(query: Query, now: number): ListQuery {
  const givenTo = dateParam(query, 'dateTo')
  const givenFrom = dateParam(query, 'dateFrom')
  const dateTo = givenTo ?? now
  const dateFrom = givenFrom ?? dateTo - DAY
  const conversationText = single(query, 'conversationId')
  let conversationId: number | undefined
  if (conversationText !== undefined) {
    if (!/^\d{1,16}$/.test(conversationText) || !Number.isSafeInteger(Number(conversationText))) {
      throw errors.invalidParameter('conversationId', 'Expected a conversation id.')
    }
    conversationId = Number(conversationText)
  }
  const phone = single(query, 'phoneNumber')
  let phoneDigits: string | undefined
  if (phone !== undefined && phone.trim() !== '') {
    // Stored parties are E.164, so read the filter the way a number is read everywhere
    // else (ten national digits are a North American number); keep it as written otherwise.
    phoneDigits = digitsOf(toE164(phone) ?? phone)
    if (!/^[+\d\s().-]+$/.test(phone.trim()) || phoneDigits.length < 3) {
      throw errors.invalidParameter('phoneNumber', 'Expected a phone number.')
    }
  }
  return {
    availability: enumValues(query, 'availability', AVAILABILITIES) ?? ['Alive'],
    conversationId,
    dateFrom,
    dateTo,
    direction: enumValues(query, 'direction', DIRECTIONS),
    distinctConversations: booleanParam(query, 'distinctConversations') ?? false,
    messageType: enumValues(query, 'messageType', MESSAGE_TYPES),
    readStatus: enumValues(query, 'readStatus', READ_STATUSES),
    phoneDigits,
    page: positiveInt(query, 'page') ?? 1,
    perPage: Math.min(positiveInt(query, 'perPage') ?? 100, MAX_PER_PAGE),
    defaulted: { dateFrom: givenFrom === undefined, dateTo: givenTo === undefined },
  }
}
