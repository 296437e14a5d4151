import './style.css'
import { type Account, ApiFailure, api } from './api.js'
import { field, fill, formatTime, h } from './dom.js'
import { go, hashOf, readHash, type ViewState } from './state.js'
import { renderClock } from './views/clock.js'
import { outsideWorldForm, sendAsUserForm } from './views/compose.js'
import { renderControls } from './views/controls.js'
import { prefetch, renderMailbox } from './views/mailbox.js'
import { renderMessage } from './views/message.js'

const app = document.getElementById('app')!
let accounts: Account[] = []
let state: ViewState = readHash()

const status = h('div', { id: 'notice', role: 'status', 'aria-live': 'polite' })
function notify(text: string, error = false): void {
  status.textContent = text
  status.className = error ? 'error' : 'ok'
}

async function start(): Promise<void> {
  // The directory and the open mailbox's page are asked for at once with the login
  // check: a browser that is not logged in gets 401 for each, and the login form.
  const directory = api<{ records: Account[] }>('GET', '/admin/v1/accounts')
  directory.catch(() => {})
  prefetch(state)
  try {
    await api('GET', '/inbox/session')
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) return showLogin()
    throw err
  }
  accounts = (await directory).records
  layout()
  live()
  window.addEventListener('hashchange', () => {
    const before = state
    state = readHash()
    // Opening or closing a message leaves the list as it is: drawn again without asking.
    void render(hashOf({ ...before, messageId: undefined }) === hashOf({ ...state, messageId: undefined }))
  })
  await render()
}

/** Without the printed login URL (or after its code was used), the admin token, once per browser. */
function showLogin(): void {
  const token = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    required: true,
  })
  const error = h('p', { role: 'alert', class: 'error' })
  if (location.hash === '#login-code-used')
    error.textContent = 'That login link was already used: enter the admin token instead.'
  const form = h(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'msgstore inbox'),
    h(
      'p',
      {},
      'Open the login URL printed by msgstore serve, or enter the admin token once for this browser.',
    ),
    field('Admin token', token),
    h('button', { type: 'submit' }, 'Log in'),
    error,
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    try {
      await api('POST', '/inbox/session', { token: token.value })
      location.hash = ''
      await start()
    } catch (err) {
      error.textContent = (err as Error).message
    }
  })
  fill(app, h('main', { class: 'login-page' }, form))
  token.focus()
}

const regions = {
  nav: h('nav', { id: 'directory', 'aria-label': 'Accounts and extensions' }),
  clock: h('section', { id: 'clock', class: 'clock', 'aria-label': 'Store clock' }),
  main: h('section', { id: 'mailbox', 'aria-label': 'Mailbox' }),
  detail: h('section', { id: 'detail', 'aria-label': 'Message' }),
  compose: h('section', { id: 'compose', 'aria-label': 'Compose' }),
  activity: h('ol', { id: 'activity', 'aria-label': 'Recent changes' }),
}

function layout(): void {
  fill(
    app,
    h('a', { class: 'skip', href: '#mailbox' }, 'Skip to the mailbox'),
    h(
      'header',
      { class: 'top' },
      h('h1', {}, h('a', { href: '#/' }, 'msgstore inbox')),
      h('span', { id: 'live', class: 'live', title: 'Live updates' }, 'connecting…'),
      regions.clock,
      h('a', { href: hashOf({ ...state, panel: 'controls' }), class: 'button-link' }, 'Test controls'),
    ),
    status,
    h(
      'div',
      { class: 'columns' },
      h(
        'aside',
        { class: 'side' },
        regions.nav,
        h(
          'section',
          { 'aria-labelledby': 'activity-title' },
          h('h2', { id: 'activity-title' }, 'Live changes'),
          regions.activity,
        ),
      ),
      h('main', { class: 'work' }, regions.main, regions.detail, regions.compose),
    ),
  )
  void renderClock(regions.clock, notify)
}

function renderDirectory(): void {
  fill(
    regions.nav,
    h('h2', {}, 'Accounts'),
    h(
      'ul',
      { class: 'accounts' },
      accounts.map((a) =>
        h(
          'li',
          {},
          h('span', { class: 'account-name' }, `${a.name} (${a.id})`),
          h(
            'ul',
            {},
            a.extensions.map((e) =>
              h(
                'li',
                {},
                h(
                  'a',
                  {
                    href: hashOf({ accountId: a.id, extensionId: e.id, folder: 'Inbox' }),
                    'aria-current': state.extensionId === e.id ? 'page' : null,
                  },
                  `${e.extensionNumber} ${e.name}`,
                  e.type === 'Department' ? ' (department)' : '',
                  e.status !== 'Enabled' ? ` (${e.status})` : '',
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  )
}

let rendering = Promise.resolve()
/** Renders the current state; renders are queued so a burst of live changes never interleaves. */
function render(reuseList = false): Promise<void> {
  rendering = rendering.then(() => renderNow(reuseList)).catch((err) => notify((err as Error).message, true))
  return rendering
}

async function renderNow(reuseList: boolean): Promise<void> {
  renderDirectory()
  const account = accounts.find((a) => a.id === state.accountId)
  if (state.panel === 'controls') {
    fill(regions.detail)
    fill(regions.compose)
    await renderControls(regions.main, notify)
    return
  }
  if (!account || !state.extensionId) {
    fill(
      regions.main,
      h('h2', {}, 'Choose a mailbox'),
      h('p', {}, 'Pick an extension on the left to see its mailbox.'),
    )
    fill(regions.detail)
    fill(regions.compose, accounts[0] ? outsideWorldForm(accounts[0], undefined, notify) : null)
    return
  }
  await renderMailbox(regions.main, state, account, reuseList)
  if (state.messageId) {
    await renderMessage(regions.detail, state, { account, notify })
    performance.mark('inbox:message-drawn')
  } else fill(regions.detail)
  if (!regions.compose.dataset.mailbox || regions.compose.dataset.mailbox !== state.extensionId) {
    regions.compose.dataset.mailbox = state.extensionId
    fill(
      regions.compose,
      h('h2', {}, 'Compose'),
      h(
        'div',
        { class: 'compose-forms' },
        outsideWorldForm(account, state.extensionId, notify),
        sendAsUserForm(account, state.extensionId, notify),
      ),
    )
  }
}

interface ChangeEvent {
  accountId: string
  extensionId: string
  at: string
  messages: { id: string; kind: string; type: string; direction: string }[]
}

/** The server's event stream of the change outbox: the open mailbox and message follow it without reload. */
function live(): void {
  const badge = document.getElementById('live')!
  const source = new EventSource('/admin/v1/events')
  let timer: number | undefined
  source.addEventListener('ready', () => {
    badge.textContent = 'live'
    badge.className = 'live on'
  })
  source.addEventListener('error', () => {
    badge.textContent = 'reconnecting…'
    badge.className = 'live off'
  })
  source.addEventListener('change', (e) => {
    const change = JSON.parse((e as MessageEvent).data) as ChangeEvent
    for (const m of change.messages) {
      regions.activity.prepend(
        h(
          'li',
          {},
          h('time', {}, formatTime(change.at)),
          ` ${m.kind} ${m.type} ${m.direction} #${m.id} (ext. ${extensionNumber(change)})`,
        ),
      )
    }
    while (regions.activity.children.length > 50) regions.activity.lastElementChild?.remove()
    if (change.extensionId !== state.extensionId) return
    window.clearTimeout(timer)
    timer = window.setTimeout(() => {
      void render()
      void renderClock(regions.clock, notify)
    }, 50)
  })
}

function extensionNumber(change: ChangeEvent): string {
  const ext = accounts
    .find((a) => a.id === change.accountId)
    ?.extensions.find((e) => e.id === change.extensionId)
  return ext?.extensionNumber ?? change.extensionId
}

void start().catch((err) =>
  fill(
    app,
    h('p', { class: 'error', role: 'alert' }, `The inbox could not start: ${(err as Error).message}`),
  ),
)

export { go }
