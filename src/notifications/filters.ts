import { extensionPath } from '../domain/uris.js'

/**
 * Event filters of the message store, parsed from the strings clients send and
 * expanded (`~` replaced by ids) as SubscriptionInfo answers them.
 *
 * Accepted, with or without the `/restapi/v1.0` prefix:
 * - `/account/{a}/extension/{e}/message-store[?type=&direction=]`
 * - `/account/{a}/extension/{e}/message-store/instant?type=SMS` (or `type=Pager`)
 * - `/account/{a}/extension/{e}/fax[?direction=Inbound]`
 * - `/account/{a}/extension/{e}/voicemail`
 * - `/subscription/~?threshold=S&interval=S` (the renewal reminder)
 */

export type MailboxFilter =
  | { kind: 'message-store'; accountId: string; extensionId: string; type?: string; direction?: string }
  | { kind: 'instant'; accountId: string; extensionId: string; type: 'SMS' | 'Pager' }
  | { kind: 'fax'; accountId: string; extensionId: string; direction?: string }
  | { kind: 'voicemail'; accountId: string; extensionId: string }

export type EventFilter =
  | (MailboxFilter & { text: string })
  | { kind: 'reminder'; threshold: number; interval: number; text: string }

/** A filter as written, with `~` and the account and extension still to be resolved. */
export type ParsedFilter =
  | { kind: MailboxFilter['kind']; account: string; extension: string; query: URLSearchParams }
  | { kind: 'reminder'; threshold: number; interval: number }

const MESSAGE_TYPES: Record<string, string> = {
  sms: 'SMS',
  fax: 'Fax',
  voicemail: 'VoiceMail',
  pager: 'Pager',
}
const DIRECTIONS: Record<string, string> = { inbound: 'Inbound', outbound: 'Outbound' }
const PATH =
  /^\/account\/([^/?]+)\/extension\/([^/?]+)\/(message-store\/instant|message-store|fax|voicemail)$/
const ALLOWED: Record<MailboxFilter['kind'], string[]> = {
  'message-store': ['type', 'direction'],
  instant: ['type'],
  fax: ['direction'],
  voicemail: [],
}

/** Parses one filter; undefined when it is not one msgstore knows (the caller answers SUB-508). */
export function parseFilter(text: string): ParsedFilter | undefined {
  if (typeof text !== 'string' || text.length > 2000) return undefined
  let path = text.startsWith('/restapi/v1.0/') ? text.slice('/restapi/v1.0'.length) : text
  if (!path.startsWith('/')) path = `/${path}`
  const q = path.indexOf('?')
  const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1))
  path = q < 0 ? path : path.slice(0, q)
  if (path === '/subscription/~') {
    const threshold = Number(query.get('threshold'))
    const interval = Number(query.get('interval'))
    if (!Number.isInteger(threshold) || threshold <= 0 || !Number.isInteger(interval) || interval <= 0)
      return undefined
    return { kind: 'reminder', threshold, interval }
  }
  const m = PATH.exec(path)
  if (!m) return undefined
  const kind = m[3] === 'message-store/instant' ? 'instant' : (m[3] as MailboxFilter['kind'])
  for (const key of query.keys()) if (!ALLOWED[kind].includes(key)) return undefined
  const type = query.get('type')
  const direction = query.get('direction')
  if (type !== null && !MESSAGE_TYPES[type.toLowerCase()]) return undefined
  if (direction !== null && !DIRECTIONS[direction.toLowerCase()]) return undefined
  if (kind === 'instant' && type?.toLowerCase() !== 'sms' && type?.toLowerCase() !== 'pager') return undefined
  return { kind, account: decodeURIComponent(m[1]!), extension: decodeURIComponent(m[2]!), query }
}

/** The filter with its mailbox resolved: what is stored and answered. */
export function resolveFilter(parsed: ParsedFilter, accountId: string, extensionId: string): EventFilter {
  if (parsed.kind === 'reminder') {
    return {
      ...parsed,
      text: `/restapi/v1.0/subscription/~?threshold=${parsed.threshold}&interval=${parsed.interval}`,
    }
  }
  const type = parsed.query.get('type')
  const direction = parsed.query.get('direction')
  const base = extensionPath(accountId, extensionId)
  const normalType = type === null ? undefined : MESSAGE_TYPES[type.toLowerCase()]
  const normalDirection = direction === null ? undefined : DIRECTIONS[direction.toLowerCase()]
  const query = new URLSearchParams()
  if (normalType) query.set('type', normalType)
  if (normalDirection) query.set('direction', normalDirection)
  const suffix = query.size ? `?${query}` : ''
  switch (parsed.kind) {
    case 'message-store':
      return {
        kind: 'message-store',
        accountId,
        extensionId,
        type: normalType,
        direction: normalDirection,
        text: `${base}/message-store${suffix}`,
      }
    case 'instant':
      return {
        kind: 'instant',
        accountId,
        extensionId,
        type: normalType as 'SMS' | 'Pager',
        text: `${base}/message-store/instant${suffix}`,
      }
    case 'fax':
      return { kind: 'fax', accountId, extensionId, direction: normalDirection, text: `${base}/fax${suffix}` }
    case 'voicemail':
      return { kind: 'voicemail', accountId, extensionId, text: `${base}/voicemail` }
  }
}

/** Rebuilds filters from their stored (expanded) text. */
export function filtersFromStored(texts: string[]): EventFilter[] {
  const out: EventFilter[] = []
  for (const text of texts) {
    const parsed = parseFilter(text)
    if (!parsed) continue
    out.push(
      parsed.kind === 'reminder'
        ? resolveFilter(parsed, '', '')
        : resolveFilter(parsed, parsed.account, parsed.extension),
    )
  }
  return out
}
