import { type Account, api, type Folder, type MessageList, type MessageRecord, mailboxPath } from '../api.js'
import { field, fill, formatTime, h, select } from '../dom.js'
import { FOLDERS, go, hashOf, listQuery, type ViewState } from '../state.js'

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

/** The folder tabs, the filter form and the page of messages. */
export async function renderMailbox(root: HTMLElement, state: ViewState, account: Account): Promise<void> {
  const ext = account.extensions.find((e) => e.id === state.extensionId)
  const base = mailboxPath(account.id, state.extensionId!)
  const started = performance.now()
  // Folder counts may take longer than the page on a large mailbox: the list is drawn
  // first, with the counts last seen, and the counts follow.
  const folders = api<{ records: Folder[] }>('GET', `${base}/folders`)
  const list = await (state.q
    ? search(state, account.id)
    : api<MessageList>('GET', `${base}/message-store?${listQuery(state)}`))
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Folders' })
  const drawTabs = (records: Folder[] | undefined) => {
    const counts = new Map((records ?? []).map((f) => [f.name, f]))
    const tab = (name: string) => {
      const f = counts.get(name)
      const n = (x: number | undefined) => (records ? ` ${x ?? 0}` : '')
      const label =
        name === 'All'
          ? 'All'
          : name === 'Sent'
            ? `Sent${n(f?.total)}${counts.get('Outbox')?.total ? ` (Outbox ${counts.get('Outbox')!.total})` : ''}`
            : `${name}${n(f?.total)}${f?.unread ? ` · ${f.unread} unread` : ''}`
      return h(
        'a',
        {
          class: 'tab',
          href: hashOf({ ...state, folder: name, page: 1, messageId: undefined }),
          'aria-current': state.folder === name ? 'page' : null,
        },
        label,
      )
    }
    fill(tabs, FOLDERS.map(tab))
  }
  drawTabs(lastCounts.get(base))
  void folders
    .then((f) => {
      lastCounts.set(base, f.records)
      drawTabs(f.records)
    })
    .catch(() => {})
  const form = filterForm(state)
  const table = messageTable(list.records, state)
  const paging = pager(state, list)
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
      `${state.q ? `${list.records.length} match(es)` : `${list.paging.totalElements ?? list.records.length} message(s)`} · shown in `,
      h('span', { id: 'view-ms' }, String(Math.round(performance.now() - started))),
      ' ms',
    ),
    table,
    paging,
  )
}

/** Text search across the mailbox (text, subject, numbers): the admin message search. */
async function search(state: ViewState, accountId: string): Promise<MessageList> {
  const q = new URLSearchParams({ accountId, extensionId: state.extensionId!, q: state.q, limit: '200' })
  if (state.type) q.set('type', state.type)
  if (state.direction) q.set('direction', state.direction)
  if (state.dateFrom) q.set('since', new Date(state.dateFrom).toISOString())
  const found = await api<{ records: MessageRecord[] }>('GET', `/admin/v1/messages?${q}`)
  return { records: found.records, paging: { page: 1, perPage: 200, totalPages: 1 } }
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
  const q = h('input', { type: 'search', name: 'q', value: state.q, placeholder: 'text, subject or number' })
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
      ...state,
      type: type.value,
      direction: direction.value,
      readStatus: read.value,
      dateFrom: from.value,
      dateTo: to.value,
      conversationId: conversation.value.trim(),
      q: q.value.trim(),
      perPage: Number(perPage.value),
      page: 1,
      messageId: undefined,
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

function pager(state: ViewState, list: MessageList): HTMLElement {
  const pages = list.paging.totalPages ?? 1
  if (state.q) return h('nav', { class: 'pager', 'aria-label': 'Pages' })
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h(
      'a',
      {
        href: hashOf({ ...state, page: 1, messageId: undefined }),
        'aria-disabled': state.page <= 1 ? 'true' : null,
      },
      'First',
    ),
    h(
      'a',
      {
        href: hashOf({ ...state, page: Math.max(1, state.page - 1), messageId: undefined }),
        rel: 'prev',
        'aria-disabled': state.page <= 1 ? 'true' : null,
      },
      'Previous',
    ),
    h('span', { id: 'page-label' }, `Page ${state.page} of ${pages}`),
    h(
      'a',
      {
        href: hashOf({ ...state, page: Math.min(pages, state.page + 1), messageId: undefined }),
        rel: 'next',
        'aria-disabled': state.page >= pages ? 'true' : null,
      },
      'Next',
    ),
    h(
      'a',
      {
        href: hashOf({ ...state, page: pages, messageId: undefined }),
        'aria-disabled': state.page >= pages ? 'true' : null,
      },
      'Last',
    ),
  )
}
