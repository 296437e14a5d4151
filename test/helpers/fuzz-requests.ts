/**
 * Seeded generators of hostile requests for test/e2e/fuzz.test.ts: every route family,
 * with mutated paths, query strings, headers and bodies (JSON, forms, multipart), NUL
 * and invalid UTF-8 throughout. Everything comes from one PRNG, so a seed names a run.
 */

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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

type BodyKind =
  | 'form'
  | 'update'
  | 'sms'
  | 'pager'
  | 'send-multipart'
  | 'config'
  | 'report'
  | 'provision'
  | 'inbound'
  | 'clock'
  | 'bulk'
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

export class RequestFuzzer {
  constructor(
    private readonly random: () => number,
    private readonly context: FuzzContext,
  ) {}

  next(): FuzzRequest {
    const [routeMethod, template, kind] = this.pick(ROUTES)
    const method = this.chance(0.08) ? this.pick(METHODS) : routeMethod
    const path = template.replace(/\{(id|ids|acc)\}/g, (_m, slot: string) => this.segment(slot))
    const headers: Record<string, string> = {}
    const oauth = path.startsWith('/restapi/oauth/token') || path.startsWith('/restapi/oauth/revoke')
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

  private body(kind: BodyKind): { body: Buffer; contentType: string } {
    const roll = this.random()
    if (roll < 0.06)
      return { body: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3]), contentType: 'application/json' }
    if (roll < 0.12)
      return {
        body: Buffer.from(this.pick(['{', '', '[1,', 'null', '"x"', '{"a":1}}'])),
        contentType: 'application/json',
      }
    if (kind === 'form') return this.form()
    if (kind === 'send-multipart') return this.multipart(this.template('sms'))
    if (kind === 'bulk') return this.bulk()
    if (kind === 'inbound' && this.chance(0.4))
      return this.multipart(this.template('inbound'), 'multipart/form-data')
    return {
      body: Buffer.from(JSON.stringify(this.mutate(this.template(kind)))),
      contentType: 'application/json',
    }
  }

  private template(kind: BodyKind): unknown {
    const alice = '+16505550101'
    switch (kind) {
      case 'update':
        return { readStatus: 'Read', availability: 'Alive' }
      case 'sms':
        return { from: { phoneNumber: alice }, to: [{ phoneNumber: '+14155550123' }], text: 'fuzz' }
      case 'pager':
        return { from: { extensionNumber: '101' }, to: [{ extensionNumber: '102' }], text: 'fuzz' }
      case 'config':
        return { retentionPeriod: 30 }
      case 'report':
        return { dateFrom: '2020-01-01T00:00:00Z', dateTo: '2030-01-01T00:00:00Z', messageTypes: ['SMS'] }
      case 'provision':
        return {
          apps: [
            {
              clientId: `fuzz-${this.int(5)}`,
              clientSecret: 's',
              name: 'n',
              grantTypes: ['password'],
              permissions: ['SMS'],
            },
          ],
        }
      case 'inbound':
        return { type: 'SMS', from: '+14155550123', to: [alice], text: 'fuzz' }
      case 'clock':
        return { advance: 'PT1M' }
      default:
        return {}
    }
  }

  /** A few random edits: a field set to a hostile value, removed, or added; or the whole value replaced. */
  private mutate(value: unknown, depth = 0): unknown {
    if (this.chance(0.05)) return this.hostile()
    if (typeof value !== 'object' || value === null) return this.chance(0.3) ? this.hostile() : value
    const copy: any = Array.isArray(value) ? [...value] : { ...value }
    const keys = Object.keys(copy)
    for (let edits = this.int(3); edits >= 0; edits--) {
      const roll = this.random()
      const key = keys.length ? this.pick(keys) : 'x'
      if (roll < 0.4 && depth < 3) copy[key] = this.mutate(copy[key], depth + 1)
      else if (roll < 0.7) copy[key] = this.hostile()
      else if (roll < 0.85) delete copy[key]
      else copy[this.text(6)] = this.hostile()
    }
    return copy
  }

  private hostile(): unknown {
    return this.pick<() => unknown>([
      () => 'a\u0000b',
      () => '\u0000',
      () => this.text(20),
      () => 'x'.repeat(this.pick([1000, 1001, 70000])),
      () => this.pick([-1, 0, 1e308, 2 ** 53 + 1, 0.5]),
      () => null,
      () => true,
      () => [],
      () => [this.text(3), null],
      () => ({}),
      () => ({ phoneNumber: this.text(12) }),
      () => '\ud800',
      () => '2020-13-45T99:99:99Z',
    ])()
  }

  private form(): { body: Buffer; contentType: string } {
    const fields: [string, string][] = [
      [
        'grant_type',
        this.pick(['password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'x', '']),
      ],
    ]
    for (const name of [
      'username',
      'password',
      'extension',
      'refresh_token',
      'assertion',
      'token',
      'client_id',
      'access_token_ttl',
    ]) {
      if (this.chance(0.4))
        fields.push([
          name,
          this.pick(['+16505550101', '101', 'alice-secret', this.text(10), 'a\u0000b', '%FF', '-1']),
        ])
    }
    if (this.chance(0.1)) fields.push(['username', 'twice'])
    if (this.chance(0.2))
      return {
        body: Buffer.from(JSON.stringify(Object.fromEntries(fields))),
        contentType: 'application/json',
      }
    const text = fields
      .map(([k, v]) => `${encodeURIComponent(k)}=${this.chance(0.1) ? '%FF%00' : encodeURIComponent(v)}`)
      .join('&')
    return { body: Buffer.from(text), contentType: 'application/x-www-form-urlencoded' }
  }

  private multipart(envelope: unknown, type = this.pick(['multipart/form-data', 'multipart/mixed'])) {
    const boundary = `fz${this.int(1e6)}`
    const parts: Buffer[] = []
    const disposition = (name: string) =>
      this.pick([
        `Content-Disposition: form-data; name="${name}"`,
        `Content-Disposition: form-data; name="${name}"; filename="${this.text(6)}.txt"`,
        `Content-Disposition: form-data; name="${name}"; filename*=UTF-8''%FF`,
        `Content-Disposition: form-data; name="${name}"; filename*=UTF-8''a%00b`,
        `Content-Disposition: form-data; name="${name}"; filename="a\u0000b"`,
        'Content-Disposition: attachment',
        '',
      ])
    const head = (name: string, contentType: string) =>
      `--${boundary}\r\n${disposition(name)}\r\nContent-Type: ${contentType}\r\n\r\n`
    parts.push(
      Buffer.from(head('json', 'application/json')),
      Buffer.from(JSON.stringify(this.mutate(envelope))),
      Buffer.from('\r\n'),
    )
    for (let i = this.int(3); i > 0; i--) {
      const bytes = this.chance(0.5)
        ? Buffer.from(this.text(30))
        : Buffer.from([0, 0xff, 0x89, 0x50, 0x4e, 0x47])
      parts.push(
        Buffer.from(head('attachment', this.pick(['image/png', 'text/plain', 'application/pdf', 'x/y', '']))),
        bytes,
        Buffer.from('\r\n'),
      )
    }
    if (!this.chance(0.15)) parts.push(Buffer.from(`--${boundary}--\r\n`))
    const contentType = this.chance(0.1) ? type : `${type}; boundary=${this.chance(0.1) ? 'other' : boundary}`
    return { body: Buffer.concat(parts), contentType }
  }

  private bulk(): { body: Buffer; contentType: string } {
    if (this.chance(0.5)) return this.multipart(this.template('update'), 'multipart/mixed')
    const items = this.context.messageIds.map((id) => ({
      resourceId: String(id),
      body: this.mutate({ readStatus: 'Unread' }),
    }))
    return {
      body: Buffer.from(JSON.stringify(this.mutate(items))),
      contentType: 'application/vnd.ringcentral.multipart+json',
    }
  }

  /** Random text: ASCII, NUL, non-ASCII, lone surrogates and control characters. */
  text(length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) {
      const roll = this.random()
      out +=
        roll < 0.7
          ? String.fromCharCode(0x21 + this.int(94))
          : roll < 0.8
            ? '\u0000'
            : roll < 0.9
              ? String.fromCharCode(0xa0 + this.int(0x2000))
              : String.fromCharCode(this.int(0x20))
    }
    return out
  }

  chance(p: number): boolean {
    return this.random() < p
  }

  int(n: number): number {
    return Math.floor(this.random() * n)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }
}
