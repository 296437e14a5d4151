import { errors } from '../errors.js'
import { booleanParam, dateParam, enumValues, type Query, single } from '../message/list-query.js'
import { DIRECTIONS, type Direction, MESSAGE_TYPES, type MessageType } from '../message/model.js'

/**
 * The sync frame (see the message sync guide): which messages a client keeps a copy
 * of. Its filters never change; its bounds only ever widen.
 *
 * Messages are ordered by (creationTime, id). The frame holds the messages matching
 * the filters whose (creationTime, id) is at least `lower` and whose creationTime is
 * at most `upper` (no upper bound: an open frame, which new messages keep entering).
 * A frame limited by `recordCount` keeps, instead of the count, the position of the
 * oldest record it returned, so that the frame is a fixed range of the mailbox and the
 * sync token needs no record count (as the guide asks).
 */

/** A position in the mailbox's (creationTime, id) order. */
export type Cursor = readonly [creationTime: number, id: number]

export interface SyncFrame {
  types?: MessageType[]
  directions?: Direction[]
  conversationId?: number
  /** Only the newest message of each conversation (messages without one stand alone). */
  distinct: boolean
  /** The date range's start: `dateFrom`, or a week before `dateTo` as the guide says. */
  from: number
  /** Inclusive lower bound; `[from, 0]` unless a record count cut the frame short. */
  lower: Cursor
  /** Inclusive upper bound of creationTime; null for an open frame. */
  upper: number | null
}

export const WEEK = 7 * 24 * 60 * 60 * 1000
const INT32_MAX = 2_147_483_647

export function compareCursors(a: Cursor, b: Cursor): number {
  return a[0] - b[0] || a[1] - b[1]
}

export function minCursor(a: Cursor, b: Cursor): Cursor {
  return compareCursors(a, b) <= 0 ? a : b
}

/** The cursor just above a record: everything newer than it. */
export function above(record: Cursor): Cursor {
  return [record[0], record[1] + 1]
}

/** `recordCount`: a non-negative integer; a negative or non-numeric value is a 400. */
export function recordCountParam(query: Query): number | undefined {
  const text = single(query, 'recordCount')?.trim()
  if (text === undefined || text === '') return undefined
  if (!/^\d+$/.test(text) || Number(text) > INT32_MAX) {
    throw errors.invalidParameter('recordCount', 'Expected a non-negative integer.')
  }
  return Number(text)
}

function conversationParam(query: Query): number | undefined {
  const text = single(query, 'conversationId')?.trim()
  if (text === undefined || text === '') return undefined
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw errors.invalidParameter('conversationId', 'Expected a conversation id.')
  }
  return Number(text)
}

/** An FSync request's frame, before any record count cuts it. */
export function parseFrame(query: Query, now: number): { frame: SyncFrame; recordCount?: number } {
  const dateTo = dateParam(query, 'dateTo')
  const from = dateParam(query, 'dateFrom') ?? (dateTo ?? now) - WEEK
  return {
    frame: {
      types: enumValues(query, 'messageType', MESSAGE_TYPES),
      directions: enumValues(query, 'direction', DIRECTIONS),
      conversationId: conversationParam(query),
      distinct: booleanParam(query, 'distinctConversations') ?? false,
      from,
      lower: [from, 0],
      upper: dateTo ?? null,
    },
    recordCount: recordCountParam(query),
  }
}

/** What an ISync request asks to add to its frame. */
export interface Widening {
  dateFrom?: number
  dateTo?: number
  recordCount?: number
}

export function parseWidening(query: Query): Widening {
  return {
    dateFrom: dateParam(query, 'dateFrom'),
    dateTo: dateParam(query, 'dateTo'),
    recordCount: recordCountParam(query),
  }
}

/**
 * The frame an ISync widens to, before a record count is applied: an earlier
 * `dateFrom` moves the start (and, without a record count, lifts any earlier count's
 * cut), a later `dateTo` moves a fixed end. Nothing narrows a frame: the client could
 * not tell which records to drop.
 */
export function widenDates(frame: SyncFrame, w: Widening): SyncFrame {
  const from = w.dateFrom !== undefined && w.dateFrom < frame.from ? w.dateFrom : frame.from
  const lower: Cursor = from < frame.from && w.recordCount === undefined ? [from, 0] : frame.lower
  const upper =
    frame.upper === null ? null : w.dateTo !== undefined && w.dateTo > frame.upper ? w.dateTo : frame.upper
  return { ...frame, from, lower: minCursor(lower, frame.lower), upper }
}

/** A range of the mailbox a widened frame added: `[lower, below)` and/or `(after, upper]`. */
export interface Region {
  lower: Cursor
  /** Exclusive upper cursor. */
  below?: Cursor
  /** Exclusive lower creationTime. */
  after?: number
  upper: number | null
}

/** The parts of `wide` that `narrow` did not hold (wide contains narrow). */
export function addedRegions(narrow: SyncFrame, wide: SyncFrame): Region[] {
  const regions: Region[] = []
  if (compareCursors(wide.lower, narrow.lower) < 0) {
    regions.push({ lower: wide.lower, below: narrow.lower, upper: wide.upper })
  }
  if (narrow.upper !== null && (wide.upper === null || wide.upper > narrow.upper)) {
    regions.push({ lower: wide.lower, after: narrow.upper, upper: wide.upper })
  }
  return regions
}
