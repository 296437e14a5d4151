import type { FastifyInstance } from 'fastify'
import { type ApiError, errors } from '../../../../domain/errors.js'
import type { Envelope, IncomingFile } from '../../../../services/sending/envelope.js'
import { type BodyPart, readMultipart } from '../../../multipart-reader.js'

/** A multipart send request body, its parts in order. */
export class SendBody {
  constructor(readonly parts: BodyPart[]) {}
}

const MAX_PARTS = 100

/**
 * The send endpoints take `multipart/form-data` and `multipart/mixed` (the fax formats
 * guide shows both; the MMS guide uses either). The parsers of the REST scope do not
 * fit them: @fastify/multipart reads form-data only, and the bulk parser keeps
 * multipart/mixed to small JSON parts under 4 MB. In this scope both types are read
 * whole, within each route's `bodyLimit` (10 MB for SMS/MMS, 55 MB for fax, as the
 * OpenAPI file's `x-request-max-body-size`), into their parts.
 */
export function registerSendBodyParsers(scope: FastifyInstance): void {
  scope.removeContentTypeParser(['multipart/form-data', 'multipart/mixed'])
  scope.addContentTypeParser(
    ['multipart/form-data', 'multipart/mixed'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      try {
        done(null, parseSendBody(request.headers['content-type'] ?? '', body as Buffer))
      } catch (err) {
        done(err as Error, undefined)
      }
    },
  )
}

function parseSendBody(contentType: string, body: Buffer): SendBody {
  const parts = readMultipart(contentType, body, {
    maxParts: MAX_PARTS,
    tooManyParts: () => errors.invalidParameter('attachment', `At most ${MAX_PARTS} parts in one request.`),
  })
  return new SendBody(parts)
}

/** Part names that carry the JSON envelope (SDKs use `json`; some clients `request`). */
const ENVELOPE_PARTS = new Set(['json', 'request', 'body'])
/** Envelope fields a client may also send one form field each (the fax formats guide does). */
const FIELDS = new Set([
  'to',
  'from',
  'text',
  'faxResolution',
  'coverIndex',
  'coverPageText',
  'sendTime',
  'isoCode',
  'country',
])

/** Whether a part may carry the JSON envelope (the first that may, does). */
export function isEnvelopePart(part: BodyPart, index: number): boolean {
  return (
    ENVELOPE_PARTS.has(part.name) || (index === 0 && /^application\/(\S+\+)?json\b/i.test(part.contentType))
  )
}

/** Whether a part is an envelope field sent as a form field of its own. */
export function isFieldPart(part: BodyPart): boolean {
  return FIELDS.has(part.name) && !part.fileName
}

/**
 * The envelope and the files of a send request. In a multipart body the envelope is
 * the part named `json` (or `request`), or else the first part when it is JSON, with or
 * without a file name; form fields named after envelope fields join it; every other
 * part is a file, in order. A JSON body is the envelope itself, with no files.
 */
export function readSendBody(
  body: unknown,
  badJson: () => ApiError,
): { envelope: unknown; files: IncomingFile[] | undefined } {
  if (!(body instanceof SendBody)) return { envelope: body, files: undefined }
  let json: unknown
  const fields: Envelope = {}
  const files: IncomingFile[] = []
  body.parts.forEach((part, i) => {
    if (json === undefined && isEnvelopePart(part, i)) {
      json = parseJson(part.body, badJson)
    } else if (isFieldPart(part)) {
      addField(fields, part.name, part.body.toString('utf8'))
    } else {
      files.push({ fileName: part.fileName || undefined, contentType: part.contentType, body: part.body })
    }
  })
  if (json !== undefined && (typeof json !== 'object' || json === null || Array.isArray(json))) {
    throw badJson()
  }
  const envelope: Envelope = { ...(json as Envelope | undefined) }
  for (const [name, value] of Object.entries(fields)) {
    envelope[name] =
      name === 'to' && Array.isArray(envelope.to) ? [...envelope.to, ...(value as unknown[])] : value
  }
  return { envelope, files }
}

function addField(fields: Envelope, name: string, raw: string): void {
  const text = raw.trim()
  let value: unknown = text
  if (/^[[{]/.test(text)) {
    try {
      value = JSON.parse(text)
    } catch {
      value = text
    }
  }
  if (name === 'to') {
    const list = Array.isArray(value) ? value : [value]
    fields.to = [
      ...((fields.to as unknown[]) ?? []),
      ...list.map((v) => (typeof v === 'string' ? { phoneNumber: v } : v)),
    ]
  } else if (name === 'from' && typeof value === 'string') {
    fields.from = { phoneNumber: value }
  } else {
    fields[name] = value
  }
}

function parseJson(bytes: Buffer, badJson: () => ApiError): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    throw badJson()
  }
}
