import { errors } from '../../domain/errors.js'
import { toE164 } from '../../lib/phone.js'

/**
 * Reading the fields every send request shares: the JSON body, or the JSON part and
 * form fields of a multipart body merged into one object by the route. Each check
 * answers a 400 naming the parameter, as RingCentral does (`to.phoneNumber`, `text`, …).
 */

export type Envelope = Record<string, unknown>

/** Files that came with a multipart request, in order. */
export interface IncomingFile {
  fileName?: string
  /** The part's declared media type (may be missing or generic). */
  contentType?: string
  body: Buffer
}

export function asEnvelope(input: unknown): Envelope {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw errors.invalidParameter('body', 'A JSON object is expected.')
  }
  return input as Envelope
}

/**
 * A message text, limited in UTF-16 code units as the OpenAPI file counts it (a
 * character outside the BMP is a surrogate pair and counts twice; JavaScript string
 * lengths are exactly that).
 */
export function readText(envelope: Envelope, max: number, required: boolean): string | undefined {
  const text = envelope.text
  if (text === undefined || text === null || text === '') {
    if (required) throw errors.required('text')
    return undefined
  }
  if (typeof text !== 'string') throw errors.invalidParameter('text', 'A string is expected.')
  if (required && text.trim() === '') throw errors.required('text')
  if (text.length > max) throw errors.messageTooLong('text', max)
  return text
}

/** `from: { phoneNumber }` (or a bare number, as a form field gives it), in E.164. */
export function readFromNumber(envelope: Envelope): string {
  const from = envelope.from
  if (from === undefined || from === null) throw errors.required('from')
  const raw = typeof from === 'object' ? (from as Envelope).phoneNumber : from
  if (raw === undefined) throw errors.required('from.phoneNumber')
  const e164 = typeof raw === 'string' ? toE164(raw) : undefined
  if (!e164) throw errors.invalidParameter('from.phoneNumber', `[${String(raw)}] is not a phone number.`)
  return e164
}

export interface NumberRecipient {
  phoneNumber: string
  /** A fax recipient's name for the cover page. */
  name?: string
}

/**
 * `to: [{ phoneNumber, name? }]`, or numbers as repeated form fields; distinct, in
 * order, E.164, at most `max`.
 */
export function readToNumbers(envelope: Envelope, max: number): NumberRecipient[] {
  const to = envelope.to
  const list = to === undefined || to === null ? [] : Array.isArray(to) ? to : [to]
  if (list.length === 0) throw errors.required('to')
  const seen = new Map<string, NumberRecipient>()
  for (const item of list) {
    const raw = typeof item === 'object' && item !== null ? (item as Envelope).phoneNumber : item
    const e164 = typeof raw === 'string' ? toE164(raw) : undefined
    if (!e164) throw errors.invalidParameter('to.phoneNumber', `[${String(raw)}] is not a phone number.`)
    const name = typeof item === 'object' && item !== null ? (item as Envelope).name : undefined
    if (name !== undefined && typeof name !== 'string') throw errors.invalidParameter('to.name')
    if (!seen.has(e164)) seen.set(e164, name ? { phoneNumber: e164, name } : { phoneNumber: e164 })
  }
  if (seen.size > max) throw errors.invalidParameter('to', `At most ${max} recipients.`)
  return [...seen.values()]
}
