import { randomBytes } from 'node:crypto'
import { parseIsoDate } from '../../lib/iso.js'
import { errors } from '../errors.js'
import type { MessageType } from '../message/model.js'

/**
 * A message store report task (createMessageStoreReport): an account's messages of a
 * time range, written as zip archives in the background.
 *
 * `Accepted` when created; `Pending` while it waits for a free export slot;
 * `InProgress` while archives are written; `AttemptFailed` when an attempt failed and
 * another will follow; `Failed` after the last attempt; `Completed` when every archive
 * is ready. `Cancelled` is part of the API's vocabulary, but nothing in msgstore
 * cancels a task (the API has no call for it).
 */
export const TASK_STATUSES = [
  'Accepted',
  'Pending',
  'InProgress',
  'AttemptFailed',
  'Failed',
  'Completed',
  'Cancelled',
] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['Completed', 'Failed', 'Cancelled']

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status)
}

/** `PicMessageTypeEnum`: the message types a report can be limited to. */
export const REPORT_MESSAGE_TYPES = [
  'Fax',
  'SMS',
  'VoiceMail',
  'Pager',
] as const satisfies readonly MessageType[]
export type ReportMessageType = (typeof REPORT_MESSAGE_TYPES)[number]

/** `accountId-extensionId-<32 hex>`, the shape of RingCentral's task ids. */
export function newTaskId(accountId: string, extensionId: string): string {
  return `${accountId}-${extensionId}-${randomBytes(16).toString('hex')}`
}

export const TASK_ID = /^\d{1,20}-\d{1,20}-[0-9a-f]{32}$/

export interface ReportRange {
  dateFrom: number
  dateTo: number
  /** Undefined: every type. */
  messageTypes?: ReportMessageType[]
}

const DAY = 24 * 60 * 60 * 1000

/**
 * The body of createMessageStoreReport. `dateTo` defaults to now and `dateFrom` to
 * 24 hours before `dateTo` (the OpenAPI file: "the current time minus 24 hours" when
 * neither is given). Bad values are a 400 that names the parameter.
 */
export function parseReportRequest(body: unknown, now: number): ReportRange {
  if (body === undefined || body === null) body = {}
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw errors.invalidParameter(
      'dateFrom',
      'Expected a JSON object with dateFrom, dateTo and messageTypes.',
    )
  }
  const fields = body as Record<string, unknown>
  const dateTo = dateField(fields, 'dateTo') ?? now
  const dateFrom = dateField(fields, 'dateFrom') ?? dateTo - DAY
  if (dateFrom > dateTo) throw errors.invalidParameter('dateFrom', 'It must not be later than dateTo.')
  return { dateFrom, dateTo, messageTypes: messageTypesField(fields.messageTypes) }
}

function dateField(fields: Record<string, unknown>, name: string): number | undefined {
  const value = fields[name]
  if (value === undefined || value === null) return undefined
  const parsed = typeof value === 'string' ? parseIsoDate(value) : undefined
  if (parsed === undefined) throw errors.invalidParameter(name, 'Expected an ISO 8601 date-time.')
  return parsed
}

function messageTypesField(value: unknown): ReportMessageType[] | undefined {
  if (value === undefined || value === null) return undefined
  const list = Array.isArray(value) ? value : [value]
  const detail = `Allowed values: ${REPORT_MESSAGE_TYPES.join(', ')}.`
  for (const item of list) {
    if (!REPORT_MESSAGE_TYPES.includes(item as ReportMessageType)) {
      throw errors.invalidParameter('messageTypes', detail)
    }
  }
  // An empty list filters nothing, as an absent one.
  return list.length ? [...new Set(list as ReportMessageType[])] : undefined
}

/** ISO 8601 as the seed document shows task times: milliseconds only when there are some. */
export function taskTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
