import {
  type Attachment,
  type AttachmentType,
  AVAILABILITIES,
  type Availability,
  DIRECTIONS,
  type Direction,
  MESSAGE_STATUSES,
  MESSAGE_TYPES,
  type Message,
  type MessageExtra,
  type MessageStatus,
  type MessageType,
  type Party,
  READ_STATUSES,
  type ReadStatus,
} from '../../domain/message/model.js'
import { parseIsoDate } from '../../lib/iso.js'

/**
 * A message record as the RingCentral API answers it (`GET …/message-store/{id}`, a list
 * page's `records[]`, an export's `message-store.json`, a sync's records), read into the
 * store's own message model so that it can be kept with its id, times and statuses.
 *
 * Fields the model has no column for (`vmTranscriptionStatus`, `faxPageCount`,
 * `smsDeliveryTime`, and whatever else a record carries at its top level) are kept in
 * the message's `extra` and rendered back as they came, so a kept record lists as it was.
 */
export type KeptMessage = Omit<Message, 'accountId' | 'extensionId'>

/** A record that cannot be kept: names the field and why. */
export class RecordRejected extends Error {
  constructor(
    readonly field: string,
    why: string,
  ) {
    super(`${field}: ${why}`)
  }
}

/** Fields with a place of their own in the model, or derived from the server (uris). */
const MODELLED = new Set([
  'uri',
  'id',
  'to',
  'from',
  'type',
  'creationTime',
  'readStatus',
  'priority',
  'attachments',
  'direction',
  'availability',
  'subject',
  'messageStatus',
  'conversationId',
  'conversation',
  'lastModifiedTime',
])

/** Reads one record; throws RecordRejected naming the first field that does not fit. */
export function readKeptRecord(input: unknown): KeptMessage {
  if (!isObject(input)) throw new RecordRejected('record', 'expected a JSON object')
  const r = input
  const id = idOf(r.id, 'id')
  const type = oneOf(r.type, MESSAGE_TYPES, 'type') as MessageType
  const creationTime = timeOf(r.creationTime, 'creationTime')
  const lastModifiedTime =
    r.lastModifiedTime === undefined ? creationTime : timeOf(r.lastModifiedTime, 'lastModifiedTime')
  const extra: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(r)) {
    if (!MODELLED.has(key) && value !== undefined) extra[key] = value
  }
  if (r.subject !== undefined && typeof r.subject !== 'string')
    throw new RecordRejected('subject', 'expected a string')
  if (r.from !== undefined && !isObject(r.from)) throw new RecordRejected('from', 'expected an object')
  const to = r.to ?? []
  if (!Array.isArray(to) || !to.every(isObject)) throw new RecordRejected('to', 'expected a list of objects')
  const attachments = r.attachments ?? []
  if (!Array.isArray(attachments)) throw new RecordRejected('attachments', 'expected a list')
  let conversationId: number | undefined
  const conversation = r.conversationId ?? (isObject(r.conversation) ? r.conversation.id : undefined)
  if (conversation !== undefined) conversationId = idOf(conversation, 'conversationId')
  return {
    id,
    type,
    direction: oneOf(r.direction, DIRECTIONS, 'direction') as Direction,
    availability: oneOf(r.availability ?? 'Alive', AVAILABILITIES, 'availability') as Availability,
    readStatus: oneOf(r.readStatus ?? 'Unread', READ_STATUSES, 'readStatus') as ReadStatus,
    messageStatus: oneOf(r.messageStatus, MESSAGE_STATUSES, 'messageStatus') as MessageStatus,
    priority: oneOf(r.priority ?? 'Normal', ['Normal', 'High'], 'priority') as Message['priority'],
    subject: r.subject as string | undefined,
    from: r.from as Party | undefined,
    to: to as Party[],
    conversationId,
    creationTime,
    lastModifiedTime,
    extra: extra as MessageExtra,
    attachments: attachments.map((a, i) => readAttachment(a, `attachments[${i}]`)),
  }
}

function readAttachment(input: unknown, at: string): Attachment {
  if (!isObject(input)) throw new RecordRejected(at, 'expected an object')
  const a = input
  if (typeof a.type !== 'string' || a.type === '') throw new RecordRejected(`${at}.type`, 'expected a string')
  const contentType = a.contentType ?? 'application/octet-stream'
  if (typeof contentType !== 'string') throw new RecordRejected(`${at}.contentType`, 'expected a string')
  if (a.fileName !== undefined && typeof a.fileName !== 'string')
    throw new RecordRejected(`${at}.fileName`, 'expected a string')
  const attachment: Attachment = {
    id: idOf(a.id, `${at}.id`),
    type: a.type as AttachmentType,
    contentType,
    fileName: a.fileName as string | undefined,
    size: a.size === undefined ? 0 : count(a.size, `${at}.size`),
  }
  for (const name of ['vmDuration', 'width', 'height'] as const) {
    if (a[name] !== undefined) attachment[name] = count(a[name], `${at}.${name}`)
  }
  return attachment
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * A positive integer id, as a number or a string of digits. Ids must be exact in a
 * JavaScript number (below 2^53), as every id msgstore serves is.
 */
function idOf(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0)
    throw new RecordRejected(field, 'expected a positive integer below 2^53')
  return n
}

function count(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new RecordRejected(field, 'expected a non-negative integer')
  return v
}

function timeOf(v: unknown, field: string): number {
  const t = typeof v === 'string' ? parseIsoDate(v) : undefined
  if (t === undefined) throw new RecordRejected(field, 'expected an ISO 8601 date-time')
  return t
}

function oneOf(v: unknown, allowed: readonly string[], field: string): string {
  if (typeof v !== 'string' || !allowed.includes(v))
    throw new RecordRejected(field, `expected one of ${allowed.join(', ')}`)
  return v
}
