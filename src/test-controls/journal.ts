import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../domain/errors.js'
import { iso, parseIsoDate } from '../lib/iso.js'
import { compilePathPattern } from './path-pattern.js'
import { redactHeaders, redactQuery, redactText } from './redaction.js'

/** Bodies are cut at this many bytes when the journal is read. */
export const BODY_LIMIT = 64 * 1024

/**
 * What the hook keeps per request: references to what the request already holds, no
 * copies. Everything is turned into text, redacted and cut only when the journal is read.
 */
interface Recorded {
  id: number
  time: number
  method: string
  url: string
  status: number
  durationMs: number
  clientId: string | null
  accountId: string | null
  extensionId: string | null
  headers: FastifyRequest['headers']
  body: unknown
  response: unknown
}

export interface JournalFilter {
  method?: string
  path?: string
  status?: number
  since?: number
  limit?: number
}

/**
 * The REST and OAuth requests this node answered, the last `size` of them, in a ring.
 * Per node: on several nodes each keeps its own (documented in docs/test-controls.md).
 */
export class RequestJournal {
  private readonly ring: (Recorded | undefined)[]
  private next = 0
  private lastId = 0

  constructor(
    readonly size: number,
    private readonly now: () => number,
  ) {
    this.ring = new Array(size)
  }

  /** Called from the onSend hook with the answer's payload as Fastify is about to send it. */
  record(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const principal = request.principal as FastifyRequest['principal'] | null
    this.ring[this.next] = {
      id: ++this.lastId,
      time: this.now(),
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
      clientId: principal ? principal.clientId : null,
      accountId: principal ? principal.accountId : null,
      extensionId: principal ? principal.extensionId : null,
      headers: request.headers,
      body: request.body,
      // A streamed answer (an attachment) is never kept: the entry would hold the stream, and
      // what it still buffers, for as long as the entry lives.
      response:
        typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : payload == null ? null : STREAMED,
    }
    this.next = (this.next + 1) % this.size
  }

  clear(): void {
    this.ring.fill(undefined)
  }

  /** Forgets the requests of one account (a reset of that account). */
  forgetAccount(accountId: string): void {
    for (let i = 0; i < this.ring.length; i++)
      if (this.ring[i]?.accountId === accountId) this.ring[i] = undefined
  }

  list(filter: JournalFilter): Record<string, unknown>[] {
    const matchPath = filter.path === undefined ? undefined : compilePathPattern(filter.path)
    const out: Record<string, unknown>[] = []
    for (let k = 1; k <= this.size && out.length < (filter.limit ?? this.size); k++) {
      const entry = this.ring[(this.next - k + this.size) % this.size]
      if (!entry) continue
      const [path, search = ''] = splitUrl(entry.url)
      if (filter.method !== undefined && entry.method !== filter.method) continue
      if (matchPath && !matchPath(path)) continue
      if (filter.status !== undefined && entry.status !== filter.status) continue
      if (filter.since !== undefined && entry.time < filter.since) continue
      out.push(render(entry, path, search))
    }
    return out
  }
}

function splitUrl(url: string): [string, string?] {
  const q = url.indexOf('?')
  return q < 0 ? [url] : [url.slice(0, q), url.slice(q + 1)]
}

function render(e: Recorded, path: string, search: string): Record<string, unknown> {
  return {
    id: e.id,
    time: iso(e.time),
    method: e.method,
    path,
    query: redactQuery(search),
    status: e.status,
    durationMs: Math.round(e.durationMs * 1000) / 1000,
    clientId: e.clientId ?? clientOfBasic(e.headers.authorization) ?? bodyField(e.body, 'client_id'),
    accountId: e.accountId,
    extensionId: e.extensionId ?? ownerOf(e.response),
    requestHeaders: redactHeaders(e.headers),
    requestBody: bodyText(e.body, String(e.headers['content-type'] ?? '')),
    responseBody: payloadText(e.response),
  }
}

function cut(text: string): string {
  const bytes = Buffer.from(text)
  return bytes.length <= BODY_LIMIT ? text : bytes.subarray(0, BODY_LIMIT).toString('utf8')
}

function bodyText(body: unknown, contentType: string): string | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return cut(redactText(body))
  if (Buffer.isBuffer(body)) return `[${body.length} bytes]`
  if (/multipart\//i.test(contentType)) return '[multipart body]'
  if (/x-www-form-urlencoded/i.test(contentType) && typeof body === 'object') {
    const form = new URLSearchParams()
    for (const [k, v] of Object.entries(body as Record<string, unknown>))
      for (const one of Array.isArray(v) ? v : [v]) form.append(k, String(one))
    return cut(redactText(form.toString()))
  }
  try {
    return cut(redactText(JSON.stringify(body)))
  } catch {
    return '[unserialisable body]'
  }
}

const STREAMED = '[streamed body]'

function payloadText(payload: unknown): string | null {
  if (payload === undefined || payload === null) return null
  if (typeof payload === 'string') return cut(redactText(payload))
  if (Buffer.isBuffer(payload)) {
    // Attachment bytes are not text; a JSON or text answer is.
    const text = payload.toString('utf8')
    return text.includes('\uFFFD') ? `[${payload.length} bytes]` : cut(redactText(text))
  }
  return '[streamed body]'
}

function clientOfBasic(authorization: string | undefined): string | null {
  const m = /^basic\s+(\S+)$/i.exec(authorization ?? '')
  if (!m) return null
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? null : decoded.slice(0, colon)
}

function bodyField(body: unknown, name: string): string | null {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : null
}

/** The extension a token answer was issued to. */
function ownerOf(payload: unknown): string | null {
  const text =
    typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8', 0, 4096) : ''
  return /"owner_id"\s*:\s*"(\d+)"/.exec(text)?.[1] ?? null
}

/** The journal's query string, validated. */
export function parseJournalFilter(query: Record<string, unknown>): JournalFilter {
  const one = (name: string): string | undefined => {
    const v = query[name]
    if (v === undefined || v === '') return undefined
    if (typeof v !== 'string') throw errors.invalidParameter(name, 'Give it once.')
    return v
  }
  const filter: JournalFilter = { method: one('method')?.toUpperCase(), path: one('path') }
  const status = one('status')
  if (status !== undefined) {
    if (!/^\d{3}$/.test(status)) throw errors.invalidParameter('status', 'Expected an HTTP status code.')
    filter.status = Number(status)
  }
  const since = one('since')
  if (since !== undefined) {
    filter.since = parseIsoDate(since)
    if (filter.since === undefined) throw errors.invalidParameter('since', 'Expected an ISO 8601 date-time.')
  }
  const limit = one('limit')
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1)
      throw errors.invalidParameter('limit', 'Expected a positive integer.')
    filter.limit = Number(limit)
  }
  return filter
}
