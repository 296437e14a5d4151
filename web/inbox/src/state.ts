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
  /** Where the page starts, by key: after this message (older), before it (newer), or the oldest page. */
  after?: string
  before?: string
  oldest?: boolean
  messageId?: string
  panel?: string
}

export const FOLDERS = ['Inbox', 'Outbox', 'Sent', 'Deleted', 'All'] as const

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
    after: params.get('after') ?? undefined,
    before: params.get('before') ?? undefined,
    oldest: params.get('oldest') === '1' || undefined,
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
  put('after', state.after)
  put('before', state.before)
  put('oldest', state.oldest ? 1 : undefined)
  put('m', state.messageId)
  return `#/${params.toString()}`
}

/** Navigates to a state: the hashchange listener renders it. */
export function go(state: Partial<ViewState>): void {
  const next = hashOf(state)
  if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'))
  else location.hash = next
}

/** The filters of a view, as the folder calls take them (no page position). */
export function filterQuery(state: ViewState): URLSearchParams {
  const q = new URLSearchParams()
  if (state.dateFrom) q.set('dateFrom', new Date(state.dateFrom).toISOString())
  if (state.dateTo) q.set('dateTo', new Date(state.dateTo).toISOString())
  if (state.direction && (state.folder === 'Deleted' || state.folder === 'All'))
    q.set('direction', state.direction)
  if (state.type) q.set('messageType', state.type)
  if (state.readStatus) q.set('readStatus', state.readStatus)
  if (state.conversationId) q.set('conversationId', state.conversationId)
  if (state.q) q.set('q', state.q)
  return q
}

/** Whether the view shows a whole folder (its count is the folder's). */
export function unfiltered(state: ViewState): boolean {
  return filterQuery(state).size === 0
}

/** A view with its page position dropped: the first page of the same list. */
export function firstPage(state: ViewState): ViewState {
  return { ...state, page: 1, after: undefined, before: undefined, oldest: undefined, messageId: undefined }
}
