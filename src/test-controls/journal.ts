import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../domain/errors.js'
import { iso, parseIsoDate } from '../lib/iso.js'
import { BODY_LIMIT, type KeptPayload, PayloadCopies } from './journal-bodies.js'
import { HeadCopies } from './journal-heads.js'
import { compilePathPattern } from './path-pattern.js'
import { redactHeaders, redactQuery, redactText } from './redaction.js'

/**
 * What the hook keeps per request, in an object of its ring slot that is overwritten when
 * the ring comes round: numbers, strings that outlive the request anyway (the method, the
 * caller's ids from the principal cache), the parsed body, and in buffers of the slot the
 * request's head (journal-heads.ts) and the start of the answer (journal-bodies.ts).
 * Everything is turned into text, redacted and cut only when the journal is read.
 */
interface Recorded {
  id: number
  time: number
  method: string
  status: number
  durationMs: number
  clientId: string | null
  accountId: string | null
  extensionId: string | null
  body: unknown
  response: KeptPayload
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
  private readonly heads: HeadCopies
  private readonly payloads: PayloadCopies
  private next = 0
  private lastId = 0

  constructor(
    readonly size: number,
    private readonly now: () => number,
  ) {
    this.ring = new Array(size)
    this.heads = new HeadCopies(size)
    this.payloads = new PayloadCopies(size)
  }

  /** Called from the onSend hook with the answer's payload as Fastify is about to send it. */
  record(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const principal = request.principal as FastifyRequest['principal'] | null
    const slot = this.next
    let entry = this.ring[slot]
    if (!entry) {
      entry = emptyEntry()
      this.ring[slot] = entry
    }
    entry.id = ++this.lastId
    entry.time = this.now()
    entry.method = request.method
    entry.status = reply.statusCode
    entry.durationMs = reply.elapsedTime
    entry.clientId = principal ? principal.clientId : null
    entry.accountId = principal ? principal.accountId : null
    entry.extensionId = principal ? principal.extensionId : null
    entry.body = request.body
    entry.response = this.payloads.keep(slot, payload)
    this.heads.keep(slot, request.url, request.headers)
    this.next = (this.next + 1) % this.size
  }

  clear(): void {
    this.ring.fill(undefined)
    this.heads.clear()
    this.payloads.clear()
  }

  /** Forgets the requests of one account (a reset of that account). */
  forgetAccount(accountId: string): void {
    for (let i = 0; i < this.ring.length; i++)
      if (this.ring[i]?.accountId === accountId) this.ring[i] = undefined // its buffers are reused
  }

  list(filter: JournalFilter): Record<string, unknown>[] {
    const matchPath = filter.path === undefined ? undefined : compilePathPattern(filter.path)
    const out: Record<string, unknown>[] = []
    for (let k = 1; k <= this.size && out.length < (filter.limit ?? this.size); k++) {
      const slot = (this.next - k + this.size) % this.size
      const entry = this.ring[slot]
      if (!entry) continue
      if (filter.method !== undefined && entry.method !== filter.method) continue
      if (filter.status !== undefined && entry.status !== filter.status) continue
      if (filter.since !== undefined && entry.time < filter.since) continue
      const head = this.heads.read(slot)
      const [path, search = ''] = splitUrl(head.url)
      if (matchPath && !matchPath(path)) continue
      out.push(render(entry, head.headers, path, search, this.payloads.text(entry.response)))
    }
    return out
  }
}

function splitUrl(url: string): [string, string?] {
  const q = url.indexOf('?')
  return q < 0 ? [url] : [url.slice(0, q), url.slice(q + 1)]
}

function emptyEntry(): Recorded {
  return {
    id: 0,
    time: 0,
    method: '',
    status: 0,
    durationMs: 0,
    clientId: null,
    accountId: null,
    extensionId: null,
    body: undefined,
    response: null,
  }
}

function render(
  e: Recorded,
  headers: Record<string, string>,
  path: string,
  search: string,
  response: string | null,
): Record<string, unknown> {
  return {
    id: e.id,
    time: iso(e.time),
    method: e.method,
    path,
    query: redactQuery(search),
    status: e.status,
    durationMs: Math.round(e.durationMs * 1000) / 1000,
    clientId: e.clientId ?? clientOfBasic(headers.authorization) ?? bodyField(e.body, 'client_id'),
    accountId: e.accountId,
    extensionId: e.extensionId ?? ownerOf(response),
    requestHeaders: redactHeaders(headers),
    requestBody: bodyText(e.body, headers['content-type'] ?? ''),
    responseBody: response === null ? null : cut(redactText(response)),
  }
}

/** The text's first BODY_LIMIT bytes of UTF-8, less a character the limit falls inside. */
function cut(text: string): string {
  if (text.length * 3 <= BODY_LIMIT) return text
  const bytes = Buffer.from(text)
  if (bytes.length <= BODY_LIMIT) return text
  // Streaming, the decoder holds back a character cut short instead of answering U+FFFD.
  return new TextDecoder().decode(bytes.subarray(0, BODY_LIMIT), { stream: true })
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
function ownerOf(response: string | null): string | null {
  return /"owner_id"\s*:\s*"(\d+)"/.exec(response?.slice(0, 4096) ?? '')?.[1] ?? null
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
