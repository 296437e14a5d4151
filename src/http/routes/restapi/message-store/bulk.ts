import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { ApiError, errors } from '../../../../domain/errors.js'
import type { MailboxKey } from '../../../../domain/mailbox.js'
import { type MessageChange, parseMessageUpdate } from '../../../../domain/message/lifecycle.js'
import { withBaseUrl } from '../../../../domain/message/record.js'
import { messageStorePath } from '../../../../domain/uris.js'
import { MultipartMixedBody } from '../../../plugins/bulk-bodies.js'
import {
  type BulkItem,
  MULTIPART_JSON,
  sendMultiStatus,
  wantsMultipartJson,
} from '../../../presenters/multipart.js'
import type { MessageParams } from './params.js'
import { MAX_BULK_IDS } from './read.js'

/**
 * RingCentral's bulk syntax for the writes of the message store (see the batch requests
 * guide): several ids in the path (`…/message-store/1,2,3`, at most 50) with a
 * `multipart/mixed` body (one JSON part per id, in order), an
 * `application/vnd.ringcentral.multipart+json` body (`[ { body }, … ]`, in order) or one
 * JSON body for every id; or `*` in the path with the ids in the body
 * (`[ { resourceId, body }, … ]`, at most 1000). Each item is processed on its own;
 * the answer is a 207 with a status per item.
 */

export const MAX_BODY_IDS = 1000
const ID = /^\d{1,16}$/

/** One item of a bulk request: its id and the body meant for it (or why that body is unusable). */
export interface BulkEntry {
  resourceId: string
  body?: unknown
  bodyError?: ApiError
}

export type WriteRequest =
  | { bulk: false; id: string; body: unknown }
  /** `shared`: one body for every id (several ids in the path, one JSON body). */
  | { bulk: true; entries: BulkEntry[]; jsonAnswer: boolean; shared?: boolean }

/**
 * A JSON content type with an empty body is no body, in this scope: the SDK sends
 * `Content-Type: application/json` with every call, `platform.delete(url)` included,
 * and a PUT without a body must be a 400 that names the missing field.
 */
export function allowEmptyJsonBodies(scope: FastifyInstance): void {
  const json = scope.getDefaultJsonParser('error', 'error')
  scope.removeContentTypeParser('application/json')
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined)
    json(request, body as string, done)
  })
}

function isMultipartJson(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(MULTIPART_JSON)
}

function answerAsJson(request: FastifyRequest, requestWasJson: boolean): boolean {
  const accept = request.headers.accept
  if (wantsMultipartJson(accept)) return true
  if (accept?.toLowerCase().includes('multipart/mixed')) return false
  return requestWasJson
}

function pathIds(param: string): string[] {
  const ids = param.split(',').map((id) => id.trim())
  if (ids.length > MAX_BULK_IDS) throw errors.batchLimit(MAX_BULK_IDS)
  return ids
}

/** The items of a PUT or PATCH: one id and its body, or the entries of a bulk request. */
export function readUpdateRequest(request: FastifyRequest, messageIdParam: string): WriteRequest {
  const body = request.body
  if (messageIdParam === '*') {
    if (!Array.isArray(body)) {
      throw errors.invalidParameter(
        'resourceId',
        `With * in the path the body is a ${MULTIPART_JSON} array of { resourceId, body }.`,
      )
    }
    if (body.length > MAX_BODY_IDS) throw errors.batchLimit(MAX_BODY_IDS)
    if (body.length === 0) throw errors.invalidParameter('resourceId', 'At least one entry is required.')
    const entries = body.map((entry, i): BulkEntry => {
      const resourceId = (entry as { resourceId?: unknown } | null)?.resourceId
      if (typeof resourceId !== 'string' && typeof resourceId !== 'number') {
        throw errors.invalidParameter(`[${i}].resourceId`, 'Required with * in the path.')
      }
      return { resourceId: String(resourceId), body: (entry as { body?: unknown }).body }
    })
    return { bulk: true, entries, jsonAnswer: answerAsJson(request, true) }
  }
  const ids = pathIds(messageIdParam)
  if (body instanceof MultipartMixedBody) {
    if (body.parts.length !== ids.length) {
      throw errors.invalidParameter(
        'messageId',
        `The path names ${ids.length} id(s) but the body has ${body.parts.length} part(s).`,
      )
    }
    const entries = ids.map((resourceId, i): BulkEntry => {
      try {
        return { resourceId, body: JSON.parse(body.parts[i]!.body.toString('utf8')) }
      } catch {
        return { resourceId, bodyError: errors.badJson() }
      }
    })
    return { bulk: true, entries, jsonAnswer: answerAsJson(request, false) }
  }
  if (ids.length === 1 && Array.isArray(body) && !isMultipartJson(request)) {
    // One id in the path is a single request, whose body is one object; the bulk array
    // form needs several ids (or the bulk content type).
    throw errors.invalidParameter('body', 'A request for one message takes one JSON object.')
  }
  if (isMultipartJson(request) || Array.isArray(body)) {
    if (!Array.isArray(body)) {
      throw errors.invalidParameter('body', `A ${MULTIPART_JSON} body is an array of { body }.`)
    }
    if (body.length !== ids.length) {
      throw errors.invalidParameter(
        'messageId',
        `The path names ${ids.length} id(s) but the body has ${body.length} entr${body.length === 1 ? 'y' : 'ies'}.`,
      )
    }
    const entries = ids.map((resourceId, i): BulkEntry => {
      const entry = body[i] as { resourceId?: unknown; body?: unknown } | null
      const named = entry?.resourceId
      if (named !== undefined && String(named) !== resourceId) throw errors.bodyMismatch('resourceId')
      return { resourceId, body: entry?.body }
    })
    return { bulk: true, entries, jsonAnswer: answerAsJson(request, true) }
  }
  if (ids.length === 1) return { bulk: false, id: ids[0]!, body }
  // Several ids and one JSON body: the same change for each.
  return {
    bulk: true,
    entries: ids.map((resourceId) => ({ resourceId, body })),
    jsonAnswer: answerAsJson(request, false),
    shared: true,
  }
}

/** The ids of a DELETE: one id, several in the path, or `*` with the ids in the body. */
export function readDeleteRequest(
  request: FastifyRequest,
  messageIdParam: string,
): { bulk: false; id: string } | { bulk: true; entries: BulkEntry[]; jsonAnswer: boolean } {
  if (messageIdParam !== '*') {
    const ids = pathIds(messageIdParam)
    if (ids.length === 1) return { bulk: false, id: ids[0]! }
    return {
      bulk: true,
      entries: ids.map((resourceId) => ({ resourceId })),
      jsonAnswer: answerAsJson(request, false),
    }
  }
  let body = request.body
  // The SDK sends an array body as its string form ("1,2,3") when not told to serialise it.
  if (typeof body === 'string')
    body = /^\s*\d+(\s*,\s*\d+)*\s*$/.test(body) ? body.split(',') : parseJson(body)
  if (!Array.isArray(body) || body.length === 0) {
    throw errors.invalidParameter('messageId', 'With * in the path the body lists the ids to delete.')
  }
  if (body.length > MAX_BODY_IDS) throw errors.batchLimit(MAX_BODY_IDS)
  const entries = body.map((entry, i): BulkEntry => {
    const id =
      typeof entry === 'string' || typeof entry === 'number'
        ? entry
        : (entry as { resourceId?: unknown } | null)?.resourceId
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw errors.invalidParameter(`[${i}]`, 'Expected a message id or { resourceId }.')
    }
    return { resourceId: String(id).trim() }
  })
  const jsonBody = /json/i.test(request.headers['content-type'] ?? '')
  return { bulk: true, entries, jsonAnswer: answerAsJson(request, jsonBody) }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw errors.badJson()
  }
}

/** A message id of the path or body as a number; 404 when it cannot name a message. */
export function messageIdOf(text: string): number {
  if (!ID.test(text)) throw errors.notFound('messageId')
  return Number(text)
}

/**
 * Applies the change each entry asks for (`changeOf` throws the API error of an
 * unusable body) in one transaction with a savepoint per item (see
 * MessageChangesService.changeMany): an item that fails answers its own error and the
 * others go on. An id named twice is changed once; the repeat answers the same.
 */
export async function runBulk(
  services: Services,
  mailbox: MailboxKey,
  entries: BulkEntry[],
  changeOf: (entry: BulkEntry) => MessageChange,
): Promise<BulkItem[]> {
  const base = services.publicUrl.bytes
  const mailboxUri = `${services.publicUrl.value}${messageStorePath(mailbox)}`
  const outcomes: (Buffer | ApiError | number)[] = []
  const work: { messageId: number; change: MessageChange }[] = []
  const firstOf = new Map<number, number>()
  for (const entry of entries) {
    try {
      if (entry.bodyError) throw entry.bodyError
      const messageId = messageIdOf(entry.resourceId)
      const change = changeOf(entry)
      const seen = firstOf.get(messageId)
      if (seen !== undefined) {
        outcomes.push(-1 - seen)
        continue
      }
      firstOf.set(messageId, work.length)
      outcomes.push(work.length)
      work.push({ messageId, change })
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      outcomes.push(err)
    }
  }
  const results = await services.messageChanges.changeMany(mailbox, work)
  return entries.map((entry, i) => {
    const outcome = outcomes[i]!
    const result = typeof outcome === 'number' ? results[outcome < 0 ? -1 - outcome : outcome]! : outcome
    const href = `${mailboxUri}/${entry.resourceId}`
    return result instanceof ApiError
      ? {
          resourceId: entry.resourceId,
          href,
          status: result.status,
          body: Buffer.from(JSON.stringify(result.body())),
        }
      : { resourceId: entry.resourceId, href, status: 200, body: withBaseUrl(result, base) }
  })
}

/** PUT and PATCH: one id answers 200 with the record; a bulk request answers 207 with a part per id. */
export function updateHandler(services: Services, method: 'PUT' | 'PATCH') {
  return async (request: FastifyRequest<{ Params: MessageParams }>, reply: FastifyReply) => {
    const { messageId } = request.params
    const mailbox = request.mailbox
    const parsed = readUpdateRequest(request, messageId)
    if (!parsed.bulk) {
      const update = parseMessageUpdate(parsed.body, method)
      const record = await services.messageChanges.update(mailbox, messageIdOf(parsed.id), update)
      return reply.type('application/json; charset=utf-8').send(withBaseUrl(record, services.publicUrl.bytes))
    }
    // One body for every id: when it is unusable, the whole request is (400, naming the field).
    if (parsed.shared) parseMessageUpdate(parsed.entries[0]!.body, method)
    const items = await runBulk(services, mailbox, parsed.entries, (entry) => ({
      kind: 'update',
      ...parseMessageUpdate(entry.body, method),
    }))
    return sendMultiStatus(reply, items, parsed.jsonAnswer)
  }
}
