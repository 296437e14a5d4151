/** What the page shows, kept in the address's hash so that reload, back and links work. */
export interface ViewState {
  accountId?: string
  extensionId?: string
  folder: string
  type: string
  direction: string
  readStatus: string
  dateFrom: string
  dateTo: string
  conversationId: string
  q: string
  page: number
  perPage: number
  messageId?: string
  panel?: string
}

export const FOLDERS = ['Inbox', 'Sent', 'Deleted', 'All'] as const

const DEFAULTS: ViewState = {
  folder: 'Inbox',
  type: '',
  direction: '',
  readStatus: '',
  dateFrom: '',
  dateTo: '',
  conversationId: '',
  q: '',
  page: 1,
  perPage: 50,
}

export function readHash(): ViewState {
  const params = new URLSearchParams(location.hash.replace(/^#\/?/, ''))
  const text = (k: string) => params.get(k) ?? ''
  return {
    ...DEFAULTS,
    accountId: params.get('a') ?? undefined,
    extensionId: params.get('e') ?? undefined,
    folder: params.get('f') ?? DEFAULTS.folder,
    type: text('type'),
    direction: text('direction'),
    readStatus: text('readStatus'),
    dateFrom: text('dateFrom'),
    dateTo: text('dateTo'),
    conversationId: text('conversationId'),
    q: text('q'),
    page: Math.max(1, Number(params.get('page') ?? 1) || 1),
    perPage: Number(params.get('perPage') ?? DEFAULTS.perPage) || DEFAULTS.perPage,
    messageId: params.get('m') ?? undefined,
    panel: params.get('p') ?? undefined,
  }
}

export function hashOf(state: Partial<ViewState>): string {
  const params = new URLSearchParams()
  const put = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '' && v !== (DEFAULTS as unknown as Record<string, unknown>)[k])
      params.set(k, String(v))
  }
  put('p', state.panel)
  put('a', state.accountId)
  put('e', state.extensionId)
  if (state.accountId) params.set('f', state.folder ?? DEFAULTS.folder)
  put('type', state.type)
  put('direction', state.direction)
  put('readStatus', state.readStatus)
  put('dateFrom', state.dateFrom)
  put('dateTo', state.dateTo)
  put('conversationId', state.conversationId)
  put('q', state.q)
  put('page', state.page)
  put('perPage', state.perPage)
  put('m', state.messageId)
  return `#/${params.toString()}`
}

/** Navigates to a state: the hashchange listener renders it. */
export function go(state: Partial<ViewState>): void {
  const next = hashOf(state)
  if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'))
  else location.hash = next
}

/** The list query of RingCentral's listMessages for a view. */
export function listQuery(state: ViewState): URLSearchParams {
  const q = new URLSearchParams()
  // The API's default window is the last 24 hours; a mailbox view shows everything.
  q.set('dateFrom', state.dateFrom ? new Date(state.dateFrom).toISOString() : '1970-01-01T00:00:00.000Z')
  if (state.dateTo) q.set('dateTo', new Date(state.dateTo).toISOString())
  if (state.folder === 'Inbox') {
    q.set('direction', 'Inbound')
    q.set('availability', 'Alive')
  } else if (state.folder === 'Sent') {
    q.set('direction', 'Outbound')
    q.set('availability', 'Alive')
  } else if (state.folder === 'Deleted') {
    q.set('availability', 'Deleted')
  } else {
    // All: every alive message, both directions (asking for Alive and Deleted at once
    // makes the store merge two index ranges, slow on a large mailbox).
    q.set('availability', 'Alive')
  }
  if (state.direction && state.folder === 'Deleted') q.set('direction', state.direction)
  if (state.direction && state.folder === 'All') q.set('direction', state.direction)
  if (state.type) q.set('messageType', state.type)
  if (state.readStatus) q.set('readStatus', state.readStatus)
  if (state.conversationId) q.set('conversationId', state.conversationId)
  q.set('page', String(state.page))
  q.set('perPage', String(state.perPage))
  return q
}
