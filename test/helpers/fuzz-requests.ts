/**
 * Seeded generators of hostile requests for test/e2e/fuzz.test.ts: every route family,
 * with mutated paths, query strings, headers and bodies (JSON, forms, multipart), NUL
 * and invalid UTF-8 throughout. Everything comes from one PRNG, so a seed names a run.
 */

import { BodyFuzzer, type BodyKind } from './fuzz-bodies.js'

export { prng } from './fuzz-random.js'

export interface FuzzRequest {
  method: string
  /** Path and query, already percent-encoded as they go on the wire. */
  url: string
  headers: Record<string, string>
  body?: Buffer
  /** Send as bytes over a socket, corrupted where an HTTP client would refuse. */
  raw?: boolean
  /** Which answer shape a 4xx must have. */
  oauth: boolean
}

export interface FuzzContext {
  token: string
  adminToken: string
  clientBasic: string
  messageIds: number[]
}

const EXT = '/restapi/v1.0/account/~/extension/~'
const ACC = '/restapi/v1.0/account/~'
const MS = `${EXT}/message-store`

type Route = [method: string, path: string, body?: BodyKind]

const ROUTES: Route[] = [
  ['POST', '/restapi/oauth/token', 'form'],
  ['POST', '/restapi/oauth/revoke', 'form'],
  ['GET', '/restapi'],
  ['GET', '/restapi/v1.0'],
  ['GET', MS],
  ['DELETE', MS],
  ['GET', `${MS}/{id}`],
  ['PUT', `${MS}/{id}`, 'update'],
  ['PATCH', `${MS}/{id}`, 'update'],
  ['PUT', `${MS}/{ids}`, 'bulk'],
  ['DELETE', `${MS}/{id}`],
  ['GET', `${MS}/{id}/content/{id}`],
  ['POST', `${EXT}/sms`, 'sms'],
  ['POST', `${EXT}/sms`, 'send-multipart'],
  ['POST', `${EXT}/mms`, 'send-multipart'],
  ['POST', `${EXT}/fax`, 'send-multipart'],
  ['POST', `${EXT}/company-pager`, 'pager'],
  ['GET', `${EXT}/message-sync`],
  ['GET', `${ACC}/message-store-configuration`],
  ['PUT', `${ACC}/message-store-configuration`, 'config'],
  ['POST', `${ACC}/message-store-report`, 'report'],
  ['GET', `${ACC}/message-store-report/{id}`],
  ['GET', `${ACC}/message-store-report/{id}/archive`],
  ['GET', `${ACC}/message-store-report/{id}/archive/{id}`],
  ['POST', '/admin/v1/provision', 'provision'],
  ['POST', '/admin/v1/accounts/{acc}/extensions/{id}/jwt'],
  ['POST', '/admin/v1/accounts/{acc}/inbound', 'inbound'],
  ['GET', '/admin/v1/clock'],
  ['POST', '/admin/v1/clock', 'clock'],
  ['POST', '/restapi/oauth/wstoken', 'form'],
  ['POST', '/restapi/v1.0/subscription', 'sms'],
  ['GET', '/{id}/{id}'],
]

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'SEARCH']
const QUERY_NAMES = [
  'dateFrom',
  'dateTo',
  'messageType',
  'readStatus',
  'availability',
  'direction',
  'conversationId',
  'perPage',
  'page',
  'syncType',
  'syncToken',
  'recordCount',
  'distinctConversations',
  'phoneNumber',
  'access_token',
  'token',
  'foo',
]
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/mixed; boundary=zz',
  'application/vnd.ringcentral.multipart+json',
  'a/b/c',
  '',
  'application/json; charset=latin1',
  'application/octet-stream',
  'image/png',
]

export class RequestFuzzer extends BodyFuzzer {
  constructor(
    random: () => number,
    private readonly context: FuzzContext,
  ) {
    super(random, context.messageIds)
  }

  next(): FuzzRequest {
    const [routeMethod, template, kind] = this.pick(ROUTES)
    const method = this.chance(0.08) ? this.pick(METHODS) : routeMethod
    const path = template.replace(/\{(id|ids|acc)\}/g, (_m, slot: string) => this.segment(slot))
    const headers: Record<string, string> = {}
    // Every endpoint under /restapi/oauth (token, revoke, wstoken) answers RFC 6749 bodies.
    const oauth = path.startsWith('/restapi/oauth/')
    this.authorize(path, headers)
    let body: Buffer | undefined
    if (kind && method !== 'GET' && method !== 'HEAD') {
      const made = this.body(kind)
      body = made.body
      headers['content-type'] = made.contentType
    }
    if (this.chance(0.12)) headers['content-type'] = this.pick(CONTENT_TYPES)
    if (this.chance(0.05))
      headers.accept = this.pick(['application/vnd.ringcentral.multipart+json', '*/*', 'x/y'])
    if (this.chance(0.05))
      headers.range = this.pick(['bytes=0-1', 'bytes=5-2', 'bytes=-0', 'bytes=x', 'bytes=0-99999999999'])
    const url = `${path}${this.query()}`
    return { method, url, headers, body, raw: this.chance(0.1), oauth }
  }

  /** A path segment: real ids, edge cases, NUL, invalid UTF-8, lengths around the parameter limit. */
  private segment(slot: string): string {
    if (slot === 'acc' && this.chance(0.6)) return this.pick(['1001', '2001'])
    const real = this.context.messageIds
    if (slot === 'ids' && this.chance(0.5)) return real.slice(0, 1 + this.int(real.length)).join(',')
    if (this.chance(0.4)) return String(this.pick(real))
    return this.pick([
      '~',
      '0',
      '-1',
      '99999999999999999999',
      'abc',
      '1,2,3',
      '%00',
      '1%00',
      '%FF',
      '%E0%A4%A',
      '%C0%AF',
      '%2F',
      '..',
      '*',
      'a'.repeat(2000),
      'a'.repeat(2001),
      encodeURIComponent(this.text(20)),
    ])
  }

  private authorize(path: string, headers: Record<string, string>): void {
    const roll = this.random()
    if (path.startsWith('/admin/')) {
      if (roll < 0.85) headers.authorization = `Bearer ${this.context.adminToken}`
      else if (roll < 0.95) headers.authorization = `Bearer ${this.text(10)}`
    } else if (path.startsWith('/restapi/oauth/')) {
      if (roll < 0.7) headers.authorization = this.context.clientBasic
      else if (roll < 0.85) headers.authorization = `Basic ${Buffer.from(this.text(12)).toString('base64')}`
      else if (roll < 0.95) headers.authorization = this.text(8)
    } else if (roll < 0.8) {
      headers.authorization = `Bearer ${this.context.token}`
    } else if (roll < 0.9) {
      headers.authorization = this.pick(['Bearer', 'Bearer ', `Bearer ${this.text(30)}`, 'Basic abc', 'x'])
    }
  }

  private query(): string {
    const count = this.int(5)
    if (count === 0) return ''
    const pairs: string[] = []
    for (let i = 0; i < count; i++) {
      const name = this.chance(0.1) ? encodeURIComponent(this.text(5)) : this.pick(QUERY_NAMES)
      const value =
        name === 'access_token' && this.chance(0.7)
          ? this.context.token
          : this.pick([
              encodeURIComponent(this.text(8)),
              '%00',
              'a%00b',
              '%FF%FE',
              '',
              '2020-01-01T00:00:00Z',
              '-5',
              '0',
              '1e400',
              '999999999999',
              'Inbound',
              'SMS',
              'FSync',
              'ISync',
              'true',
              'x'.repeat(3000),
            ])
      pairs.push(`${name}=${value}`)
      if (this.chance(0.1)) pairs.push(`${name}=${value}`)
    }
    return `?${pairs.join('&')}`
  }
}
