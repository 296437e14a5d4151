import {
  type Account,
  type Attachment,
  api,
  type FolderPage,
  type MessageRecord,
  mailboxPath,
} from '../api.js'
import { field, fill, formatTime, h } from '../dom.js'
import { describeHistory, type StoredChange } from '../history.js'
import { go, type ViewState } from '../state.js'
import { counterpart } from './mailbox.js'

export interface MessageViewDeps {
  account: Account
  notify: (text: string, error?: boolean) => void
}

/** A message: its parties and state, actions, attachments in place, its conversation, its JSON and history. */
export async function renderMessage(
  root: HTMLElement,
  state: ViewState,
  deps: MessageViewDeps,
): Promise<void> {
  const base = mailboxPath(deps.account.id, state.extensionId!)
  let m: MessageRecord
  // The history is the store's (kept after a purge and after removal), read beside the record.
  const changes = api<{ records: StoredChange[] }>(
    'GET',
    `${base}/message-store/${state.messageId}/history`,
  ).then((r) => r.records)
  try {
    m = await api<MessageRecord>('GET', `${base}/message-store/${state.messageId}`)
  } catch (err) {
    const stored = await changes.catch(() => [])
    fill(
      root,
      h('p', { class: 'empty' }, `Message ${state.messageId}: ${(err as Error).message}`),
      stored.length ? historySection(undefined, stored) : null,
    )
    return
  }
  const history = await changes.catch(() => [])
  const act = (label: string, run: () => Promise<unknown>, done: string) =>
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          try {
            await run()
            deps.notify(done)
          } catch (err) {
            deps.notify((err as Error).message, true)
          }
        },
      },
      label,
    )
  const url = `${base}/message-store/${m.id}`
  const actions = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Message actions' },
    m.availability === 'Alive'
      ? act(
          m.readStatus === 'Unread' ? 'Mark read' : 'Mark unread',
          () => api('PATCH', url, { readStatus: m.readStatus === 'Unread' ? 'Read' : 'Unread' }),
          'Read status changed',
        )
      : null,
    m.availability === 'Alive' ? act('Delete', () => api('DELETE', url), 'Moved to Deleted') : null,
    m.availability === 'Deleted'
      ? act('Restore', () => api('PATCH', url, { availability: 'Alive' }), 'Restored')
      : null,
    m.availability !== 'Purged'
      ? act(
          'Purge',
          async () => {
            if (!confirm('Purge this message? Its content is removed for good.')) return
            await api('DELETE', `${url}?purge=true`)
          },
          'Purged',
        )
      : null,
    h('button', { type: 'button', onclick: () => go({ ...state, messageId: undefined }) }, 'Close'),
  )
  const json = JSON.stringify(m, null, 2)
  const conversationId = m.conversation?.id ?? m.conversationId
  fill(
    root,
    h(
      'h2',
      { id: 'message-title' },
      `${m.type === 'VoiceMail' ? 'Voicemail' : m.type} ${m.direction === 'Inbound' ? 'from' : 'to'} ${counterpart(m)}`,
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'From'),
      h('dd', {}, partyText(m.from)),
      h('dt', {}, 'To'),
      h('dd', {}, (m.to ?? []).map(partyText).join(', ')),
      h('dt', {}, 'Created'),
      h('dd', {}, formatTime(m.creationTime)),
      h('dt', {}, 'State'),
      h('dd', { id: 'message-state' }, `${m.messageStatus} · ${m.readStatus} · ${m.availability}`),
      m.deliveryErrorCode ? [h('dt', {}, 'Delivery error'), h('dd', {}, m.deliveryErrorCode)] : null,
      m.type === 'Fax' ? [h('dt', {}, 'Pages'), h('dd', {}, String(m.faxPageCount ?? '?'))] : null,
    ),
    actions,
    m.subject && m.type !== 'SMS' && m.type !== 'Pager' ? h('p', { class: 'text' }, m.subject) : null,
    attachments(m, base),
    conversationId && (m.type === 'SMS' || m.type === 'Pager')
      ? await thread(m, conversationId, state, deps)
      : null,
    h(
      'details',
      { class: 'json' },
      h('summary', {}, 'Record (JSON, as the API returns it)'),
      h(
        'button',
        {
          type: 'button',
          onclick: () => navigator.clipboard?.writeText(json).then(() => deps.notify('JSON copied')),
        },
        'Copy JSON',
      ),
      h('pre', { tabindex: 0 }, json),
    ),
    historySection(m, history),
  )
}

/** The message's changes as the store recorded them, each with its store time. */
function historySection(m: MessageRecord | undefined, changes: StoredChange[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'history-title' },
    h('h3', { id: 'history-title' }, 'History'),
    h(
      'ol',
      { class: 'history' },
      describeHistory(m, changes).map((e) =>
        h('li', {}, h('time', { datetime: e.at }, formatTime(e.at)), ' ', e.what),
      ),
    ),
  )
}

function partyText(p: MessageRecord['from']): string {
  if (!p) return ''
  const who = p.phoneNumber ?? (p.extensionNumber ? `ext. ${p.extensionNumber}` : '')
  return `${p.name ? `${p.name} ` : ''}${who}${p.messageStatus ? ` (${p.messageStatus})` : ''}`
}

function contentUrl(base: string, m: MessageRecord, a: Attachment, extra = ''): string {
  return `${base}/message-store/${m.id}/content/${a.id}${extra}`
}

/** Voicemail plays, PDFs render, TIFF pages show as images (converted by the server), images inline. */
function attachments(m: MessageRecord, base: string): HTMLElement | null {
  const list = m.attachments?.filter((a) => a.type !== 'Text') ?? []
  if (list.length === 0) return null
  return h(
    'section',
    { class: 'attachments', 'aria-label': 'Attachments' },
    list.map((a) => {
      const src = contentUrl(base, m, a)
      const download = h(
        'a',
        { href: contentUrl(base, m, a, '?download=true'), download: a.fileName ?? '' },
        `Download ${a.fileName ?? a.contentType}`,
      )
      if (a.contentType.startsWith('audio/'))
        return h(
          'figure',
          {},
          h('audio', { controls: true, preload: 'metadata', src, 'aria-label': 'Voicemail recording' }),
          h('figcaption', {}, download),
        )
      if (a.contentType === 'application/pdf')
        return h(
          'figure',
          {},
          h('iframe', { src, title: `Fax document ${a.fileName ?? ''}`, class: 'pdf' }),
          h('figcaption', {}, download),
        )
      if (a.contentType === 'image/tiff') {
        const pages = Math.max(1, m.faxPageCount ?? 1)
        const images = []
        for (let p = 1; p <= pages; p++)
          images.push(
            h('img', {
              class: 'page',
              src: contentUrl(base, m, a, `?page=${p}&as=png`),
              alt: `Page ${p} of ${pages}`,
              loading: 'lazy',
            }),
          )
        return h('figure', {}, h('div', { class: 'pages' }, images), h('figcaption', {}, download))
      }
      if (a.contentType.startsWith('image/'))
        return h(
          'figure',
          {},
          h('img', { src, alt: a.fileName ?? 'MMS image', class: 'mms' }),
          h('figcaption', {}, download),
        )
      return h('p', {}, download)
    }),
  )
}

/** The conversation as chat bubbles, oldest first, with delivery state under outbound ones, and two reply forms. */
async function thread(
  m: MessageRecord,
  conversationId: string,
  state: ViewState,
  deps: MessageViewDeps,
): Promise<HTMLElement> {
  const base = mailboxPath(deps.account.id, state.extensionId!)
  // The newest 100 alive messages of the conversation, by key and without a count: a
  // conversation of a large mailbox may hold thousands.
  const q = new URLSearchParams({ conversationId, perPage: '100' })
  const list = await api<FolderPage>('GET', `${base}/folders/All/messages?${q}`)
  const messages = [...list.records].reverse()
  const ext = deps.account.extensions.find((e) => e.id === state.extensionId)
  const other = m.direction === 'Inbound' ? m.from?.phoneNumber : m.to?.[0]?.phoneNumber
  const own = m.direction === 'Inbound' ? m.to?.[0]?.phoneNumber : m.from?.phoneNumber
  const replyOutside = h('textarea', { name: 'outside-text', rows: 2 })
  const replyUser = h('textarea', { name: 'user-text', rows: 2 })
  const outsideForm = h(
    'form',
    { class: 'reply', 'aria-label': 'Reply from the outside number' },
    field(`Reply from ${other ?? 'the other party'} (outside world)`, replyOutside),
    h('button', { type: 'submit' }, 'Receive reply'),
  )
  outsideForm.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      await api('POST', `/admin/v1/accounts/${deps.account.id}/inbound`, {
        type: 'SMS',
        from: other,
        to: [own],
        text: replyOutside.value,
      })
      replyOutside.value = ''
      deps.notify('Reply received')
    } catch (err) {
      deps.notify((err as Error).message, true)
    }
  })
  const userForm = h(
    'form',
    { class: 'reply', 'aria-label': `Reply as ${ext?.name ?? 'this extension'}` },
    field(`Reply as ${ext?.name ?? 'this extension'} (sends an SMS)`, replyUser),
    h('button', { type: 'submit' }, 'Send reply'),
  )
  userForm.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      await api('POST', `${base}/sms`, {
        from: { phoneNumber: own },
        to: [{ phoneNumber: other }],
        text: replyUser.value,
      })
      replyUser.value = ''
      deps.notify('Reply sent')
    } catch (err) {
      deps.notify((err as Error).message, true)
    }
  })
  return h(
    'section',
    { class: 'thread', 'aria-labelledby': 'thread-title' },
    h('h3', { id: 'thread-title' }, `Conversation ${conversationId}`),
    h(
      'ol',
      { class: 'bubbles' },
      messages.map((x) =>
        h(
          'li',
          {
            class: `bubble ${x.direction === 'Inbound' ? 'in' : 'out'} ${x.id === m.id ? 'current' : ''}`,
            'data-id': x.id,
          },
          h('p', {}, x.subject ?? ''),
          h(
            'small',
            {},
            formatTime(x.creationTime),
            x.direction === 'Outbound'
              ? h('span', { class: 'delivery', 'data-status': x.messageStatus }, ` · ${x.messageStatus}`)
              : null,
            x.availability !== 'Alive' ? ` · ${x.availability}` : null,
          ),
        ),
      ),
    ),
    m.type === 'SMS' && other && own ? [outsideForm, userForm] : null,
  )
}
