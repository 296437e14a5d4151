import { FuzzRandom } from './fuzz-random.js'

/** Seeded request bodies of the fuzz test: mutated JSON, forms and multipart, invalid UTF-8. */

export type BodyKind =
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

export class BodyFuzzer extends FuzzRandom {
  constructor(
    random: () => number,
    protected readonly messageIds: number[],
  ) {
    super(random)
  }

  body(kind: BodyKind): { body: Buffer; contentType: string } {
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
    const items = this.messageIds.map((id) => ({
      resourceId: String(id),
      body: this.mutate({ readStatus: 'Unread' }),
    }))
    return {
      body: Buffer.from(JSON.stringify(this.mutate(items))),
      contentType: 'application/vnd.ringcentral.multipart+json',
    }
  }
}
