import { type Account, api, type Folder, type FolderPage, type MessageRecord, mailboxPath } from '../api.js'
import { field, fill, formatTime, h, select } from '../dom.js'
import { FOLDERS, filterQuery, firstPage, go, hashOf, unfiltered, type ViewState } from '../state.js'

/** Who a message is with: the other party, seen from the mailbox. */
export function counterpart(m: MessageRecord): string {
  const party = m.direction === 'Inbound' ? m.from : m.to?.[0]
  const more = m.direction === 'Outbound' && (m.to?.length ?? 0) > 1 ? ` +${(m.to?.length ?? 1) - 1}` : ''
  return (party?.phoneNumber ?? (party?.extensionNumber ? `ext. ${party.extensionNumber}` : '')) + more
}

export function summary(m: MessageRecord): string {
  if (m.type === 'VoiceMail') {
    const audio = m.attachments?.find((a) => a.type === 'AudioRecording')
    return `Voicemail${audio?.vmDuration ? `, ${audio.vmDuration} s` : ''}`
  }
  if (m.type === 'Fax') return `Fax, ${m.faxPageCount ?? '?'} page(s)`
  const images = m.attachments?.filter((a) => a.type === 'MmsAttachment').length ?? 0
  return (m.subject ?? '') + (images ? ` [${images} attachment(s)]` : '')
}

const lastCounts = new Map<string, Folder[]>()
/** Totals of filtered views, by mailbox and filters, as last counted. */
const lastTotals = new Map<string, number>()
/** The list last drawn and the address it was drawn for: opening a message keeps it. */
let shown: { key: string; list: FolderPage } | undefined

/** A page and its folder counts asked for before the page's frame was drawn (prefetch), by address. */
let pending: { key: string; list: Promise<FolderPage>; folders: Promise<{ records: Folder[] }> } | undefined

/**
 * Starts reading the page of messages an address shows, and its folder counts, at
 * load, beside the login check and the directory of accounts instead of after them:
 * the mailbox is named by the address itself. Counts asked for only once the page
 * was drawn arrived while the browser laid the page out, and waited for it to finish.
 */
export function prefetch(state: ViewState): void {
  if (!state.accountId || !state.extensionId || state.panel) return
  const base = mailboxPath(state.accountId, state.extensionId)
  const list = folderPage(base, state, knownTotal(base, state))
  list.catch(() => {})
  const folders = api<{ records: Folder[] }>('GET', `${base}/folders`)
  folders.catch(() => {})
  pending = { key: hashOf({ ...state, messageId: undefined }), list, folders }
}

/** The folder tabs, the filter form and the page of messages. */
export async function renderMailbox(
  root: HTMLElement,
  state: ViewState,
  account: Account,
  /** Whether the list drawn for the same address may be drawn again without asking (a message opened). */
  reuse = false,
): Promise<void> {
  const ext = account.extensions.find((e) => e.id === state.extensionId)
  const base = mailboxPath(account.id, state.extensionId!)
  const started = performance.now()
  // Only the page is awaited: counts come after it (on a large mailbox they read far
  // more than a page does), drawn first with the figures last seen. The page is asked
  // for first: a SQLite store answers one request at a time, in the order they arrive.
  const key = hashOf({ ...state, messageId: undefined })
  const totalKey = `${base}/${state.folder}?${filterQuery(state)}`
  const early = pending?.key === key ? pending : undefined
  pending = undefined
  const listed =
    reuse && shown?.key === key
      ? Promise.resolve(shown.list)
      : (early?.list ?? folderPage(base, state, knownTotal(base, state)))
  const folders = early?.folders ?? api<{ records: Folder[] }>('GET', `${base}/folders`)
  // Counts that fail are left as last seen; the page's own failure is reported.
  folders.catch(() => {})
  const list = await listed
  shown = { key, list }
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Folders' })
  const drawTabs = (records: Folder[] | undefined) => {
    const counts = new Map((records ?? []).map((f) => [f.name, f]))
    const tab = (name: string) => {
      const f = counts.get(name)
      const n = (x: number | undefined) => (records ? ` ${x ?? 0}` : '')
      const label =
        name === 'All' ? 'All' : `${name}${n(f?.total)}${f?.unread ? ` · ${f.unread} unread` : ''}`
      return h(
        'a',
        {
          class: 'tab',
          href: hashOf(firstPage({ ...state, folder: name })),
          'aria-current': state.folder === name ? 'page' : null,
        },
        label,
      )
    }
    fill(tabs, FOLDERS.map(tab))
  }
  const status = h('span', {})
  const paging = h('nav', { class: 'pager', 'aria-label': 'Pages' })
  const drawPager = (total: number | undefined) => {
    status.textContent =
      total === undefined
        ? 'counting…'
        : state.q
          ? `${total} match(es) in ${state.folder}`
          : `${total} message(s)`
    fill(paging, pager(state, list, total))
  }
  drawTabs(lastCounts.get(base))
  drawPager(knownTotal(base, state))
  const form = filterForm(state)
  const table = messageTable(list.records, state)
  fill(
    root,
    h(
      'header',
      { class: 'mailbox-head' },
      h('h2', {}, `${ext?.name ?? state.extensionId} (ext. ${ext?.extensionNumber ?? '?'})`),
      h('p', { class: 'muted' }, `${account.name} · ${ext?.phoneNumbers.join(', ') || 'no numbers'}`),
    ),
    tabs,
    form,
    h(
      'p',
      { class: 'muted', id: 'list-status', role: 'status' },
      status,
      ' · shown in ',
      h('span', { id: 'view-ms' }, String(Math.round(performance.now() - started))),
      ' ms',
    ),
    table,
    paging,
  )
  performance.mark('inbox:list-drawn')
  const counted = folders.then((f) => {
    lastCounts.set(base, f.records)
    drawTabs(f.records)
    return unfiltered(state) ? folderTotal(state, f.records) : undefined
  })
  const total = unfiltered(state)
    ? counted
    : api<{ total: number }>('GET', `${base}/folders/${state.folder}/count?${filterQuery(state)}`).then(
        (c) => {
          lastTotals.set(totalKey, c.total)
          return c.total
        },
      )
  void Promise.all([counted, total])
    .then(([, n]) => {
      if (!root.contains(paging)) return
      drawPager(n)
      performance.mark('inbox:counts-drawn')
    })
    .catch(() => {})
}

/** The view's total as last counted: its folder's, or its filters' own. */
function knownTotal(base: string, state: ViewState): number | undefined {
  return unfiltered(state)
    ? folderTotal(state, lastCounts.get(base))
    : lastTotals.get(`${base}/${state.folder}?${filterQuery(state)}`)
}

function folderTotal(state: ViewState, records: Folder[] | undefined): number | undefined {
  if (!records) return undefined
  const of = (name: string) => records.find((f) => f.name === name)?.total ?? 0
  return state.folder === 'All' ? of('Inbox') + of('Outbox') + of('Sent') : of(state.folder)
}

/**
 * A page of the folder by key: after the older end of the page before, before the
 * newer end of the page after, or the oldest page (as many messages as the last page
 * holds when the total is known, so that pages keep their boundaries).
 */
async function folderPage(base: string, state: ViewState, total: number | undefined): Promise<FolderPage> {
  const q = filterQuery(state)
  let perPage = state.perPage
  if (state.after) q.set('after', state.after)
  else if (state.before) q.set('before', state.before)
  else if (state.oldest) {
    q.set('oldest', 'true')
    if (total !== undefined && total > 0) perPage = total - (Math.ceil(total / perPage) - 1) * perPage
  }
  q.set('perPage', String(perPage))
  return api<FolderPage>('GET', `${base}/folders/${state.folder}/messages?${q}`)
}

function filterForm(state: ViewState): HTMLFormElement {
  const type = select(
    'type',
    [
      ['', 'Any type'],
      ['SMS', 'SMS / MMS'],
      ['Pager', 'Pager'],
      ['Fax', 'Fax'],
      ['VoiceMail', 'Voicemail'],
    ],
    state.type,
  )
  const direction = select(
    'direction',
    [
      ['', 'Both directions'],
      ['Inbound', 'Inbound'],
      ['Outbound', 'Outbound'],
    ],
    state.direction,
  )
  const read = select(
    'readStatus',
    [
      ['', 'Read and unread'],
      ['Unread', 'Unread'],
      ['Read', 'Read'],
    ],
    state.readStatus,
  )
  const from = h('input', { type: 'datetime-local', name: 'dateFrom', value: state.dateFrom })
  const to = h('input', { type: 'datetime-local', name: 'dateTo', value: state.dateTo })
  const conversation = h('input', {
    type: 'text',
    name: 'conversationId',
    value: state.conversationId,
    inputmode: 'numeric',
  })
  const q = h('input', {
    type: 'search',
    name: 'q',
    value: state.q,
    placeholder: 'text, subject or number',
  })
  const perPage = select(
    'perPage',
    [
      ['25', '25'],
      ['50', '50'],
      ['100', '100'],
      ['250', '250'],
    ],
    String(state.perPage),
  )
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter messages' },
    field('Search', q),
    field('Type', type),
    field('Direction', direction),
    field('Read status', read),
    field('From date', from),
    field('To date', to),
    field('Conversation', conversation),
    field('Per page', perPage),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Apply'),
      h('button', { type: 'reset' }, 'Clear'),
    ),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    go({
      ...firstPage(state),
      type: type.value,
      direction: direction.value,
      readStatus: read.value,
      dateFrom: from.value,
      dateTo: to.value,
      conversationId: conversation.value.trim(),
      q: q.value.trim(),
      perPage: Number(perPage.value),
    })
  })
  form.addEventListener('reset', (e) => {
    e.preventDefault()
    go({ accountId: state.accountId, extensionId: state.extensionId, folder: state.folder })
  })
  return form
}

function messageTable(records: MessageRecord[], state: ViewState): HTMLElement {
  if (records.length === 0) return h('p', { class: 'empty' }, 'No messages here.')
  const rows = records.map((m) =>
    h(
      'tr',
      {
        class: `${m.readStatus === 'Unread' ? 'unread' : ''} ${state.messageId === String(m.id) ? 'selected' : ''}`,
        'data-id': m.id,
      },
      h(
        'td',
        {},
        h('span', { class: `badge type-${m.type}` }, m.type === 'VoiceMail' ? 'Voicemail' : m.type),
      ),
      h('td', {}, m.direction === 'Inbound' ? '←' : '→', ' ', counterpart(m)),
      h(
        'td',
        { class: 'subject' },
        h('a', { href: hashOf({ ...state, messageId: m.id }) }, summary(m) || '(no text)'),
      ),
      h('td', { class: 'status' }, m.availability === 'Alive' ? m.messageStatus : m.availability),
      h('td', {}, h('time', { datetime: m.creationTime }, formatTime(m.creationTime))),
    ),
  )
  return h(
    'table',
    { class: 'messages' },
    h('caption', { class: 'visually-hidden' }, 'Messages'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col' }, 'With'),
        h('th', { scope: 'col' }, 'Message'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Created'),
      ),
    ),
    h('tbody', {}, rows),
  )
}

/** First, Previous, Next and Last by key; the page number is carried along for the label. */
function pager(state: ViewState, list: FolderPage, total: number | undefined): HTMLElement[] {
  const pages = total === undefined ? undefined : Math.max(1, Math.ceil(total / state.perPage))
  const { newer, older } = list.paging
  const link = (label: string, to: Partial<ViewState> | null, rel?: string) =>
    h(
      'a',
      {
        href: to ? hashOf({ ...firstPage(state), ...to }) : hashOf({ ...state, messageId: undefined }),
        rel: rel ?? null,
        'aria-disabled': to ? null : 'true',
      },
      label,
    )
  const onLast = older === null
  return [
    link('First', newer !== null ? {} : null),
    link('Previous', newer !== null ? { page: Math.max(1, state.page - 1), before: newer } : null, 'prev'),
    h(
      'span',
      { id: 'page-label' },
      pages === undefined
        ? `Page ${state.page}`
        : `Page ${onLast ? pages : Math.min(state.page, pages)} of ${pages}`,
    ),
    link('Next', older !== null ? { page: state.page + 1, after: older } : null, 'next'),
    link('Last', older !== null && pages !== undefined ? { page: pages, oldest: true } : null),
  ]
}
