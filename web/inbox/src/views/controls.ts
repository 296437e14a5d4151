import { api } from '../api.js'
import { field, fill, formatTime, h, select } from '../dom.js'

type Notify = (text: string, error?: boolean) => void

interface JournalEntry {
  id: string
  time: string
  method: string
  path: string
  status: number
  durationMs: number
  clientId?: string
  requestHeaders?: unknown
  requestBody?: unknown
  responseBody?: unknown
  query?: unknown
}

/** The test controls of the admin API: request journal, fault rules, rate limits, subscriptions, reset. */
export async function renderControls(root: HTMLElement, notify: Notify): Promise<void> {
  const redraw = () => renderControls(root, notify)
  const guard = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run()
      notify(done)
      await redraw()
    } catch (err) {
      notify((err as Error).message, true)
    }
  }
  const [journal, faults, limits, subscriptions] = await Promise.all([
    api<{ requests: JournalEntry[] }>(
      'GET',
      `/admin/v1/requests?limit=50${journalFilter ? `&path=${encodeURIComponent(journalFilter)}` : ''}`,
    ),
    api<
      { records?: Record<string, unknown>[]; faults?: Record<string, unknown>[] } | Record<string, unknown>[]
    >('GET', '/admin/v1/faults'),
    api<{ enabled: boolean; windowSeconds: number; penaltySeconds: number; groups: Record<string, number> }>(
      'GET',
      '/admin/v1/rate-limits',
    ),
    api<{ records: Record<string, unknown>[] }>('GET', '/admin/v1/subscriptions'),
  ])
  const faultList = Array.isArray(faults) ? faults : (faults.records ?? faults.faults ?? [])

  const pathFilter = h('input', {
    type: 'text',
    name: 'path',
    value: journalFilter,
    placeholder: '/restapi/v1.0/account/~/extension/~/*',
  })
  const journalForm = h(
    'form',
    { class: 'inline', 'aria-label': 'Filter the journal' },
    field('Path pattern', pathFilter),
    h('button', { type: 'submit' }, 'Filter'),
    h(
      'button',
      { type: 'button', onclick: () => guard(() => api('DELETE', '/admin/v1/requests'), 'Journal emptied') },
      'Empty journal',
    ),
  )
  journalForm.addEventListener('submit', (e) => {
    e.preventDefault()
    journalFilter = pathFilter.value.trim()
    void redraw()
  })

  const faultPath = h('input', {
    type: 'text',
    name: 'fault-path',
    required: true,
    value: '/restapi/v1.0/account/~/extension/~/sms',
  })
  const faultMethod = select('fault-method', [
    ['', 'Any method'],
    ['GET', 'GET'],
    ['POST', 'POST'],
    ['PUT', 'PUT'],
    ['PATCH', 'PATCH'],
    ['DELETE', 'DELETE'],
  ])
  const faultStatus = h('input', { type: 'number', name: 'fault-status', value: 503, min: 400, max: 599 })
  const faultTimes = h('input', { type: 'number', name: 'fault-times', min: 1, placeholder: 'unlimited' })
  const faultForm = h(
    'form',
    { class: 'inline', 'aria-label': 'Add a fault rule' },
    field('Method', faultMethod),
    field('Path', faultPath),
    field('Status', faultStatus),
    field('Times', faultTimes),
    h('button', { type: 'submit' }, 'Add rule'),
  )
  faultForm.addEventListener('submit', (e) => {
    e.preventDefault()
    const rule: Record<string, unknown> = { path: faultPath.value.trim(), status: Number(faultStatus.value) }
    if (faultMethod.value) rule.method = faultMethod.value
    if (faultTimes.value) rule.times = Number(faultTimes.value)
    void guard(() => api('POST', '/admin/v1/faults', rule), 'Fault rule added')
  })

  const enabled = h('input', { type: 'checkbox', name: 'rate-enabled', checked: limits.enabled })
  const windowSeconds = h('input', {
    type: 'number',
    name: 'rate-window',
    min: 1,
    value: limits.windowSeconds,
  })
  const penaltySeconds = h('input', {
    type: 'number',
    name: 'rate-penalty',
    min: 0,
    value: limits.penaltySeconds,
  })
  const limitForm = h(
    'form',
    { class: 'inline', 'aria-label': 'Rate limits' },
    field('Enabled', enabled),
    field('Window (s)', windowSeconds),
    field('Penalty (s)', penaltySeconds),
    h('button', { type: 'submit' }, 'Save limits'),
  )
  limitForm.addEventListener('submit', (e) => {
    e.preventDefault()
    void guard(
      () =>
        api('PUT', '/admin/v1/rate-limits', {
          enabled: enabled.checked,
          windowSeconds: Number(windowSeconds.value),
          penaltySeconds: Number(penaltySeconds.value),
        }),
      'Rate limits saved',
    )
  })

  const keep = select('keep', [
    ['accounts', 'keep accounts (empty the mailboxes)'],
    ['nothing', 'keep nothing'],
  ])
  const resetForm = h(
    'form',
    { class: 'inline', 'aria-label': 'Reset the store' },
    field('Reset', keep),
    h('button', { type: 'submit', class: 'danger' }, 'Reset store'),
  )
  resetForm.addEventListener('submit', (e) => {
    e.preventDefault()
    if (!confirm('Reset the store? This removes messages for good.')) return
    void guard(() => api('POST', '/admin/v1/reset', { keep: keep.value }), 'Store reset')
  })

  fill(
    root,
    h('h2', {}, 'Test controls'),
    h(
      'section',
      { 'aria-labelledby': 'journal-title' },
      h('h3', { id: 'journal-title' }, 'Request journal'),
      journalForm,
      h(
        'ol',
        { class: 'journal' },
        journal.requests.map((r) =>
          h(
            'li',
            {},
            h(
              'details',
              {},
              h(
                'summary',
                {},
                `${formatTime(r.time)} ${r.method} ${r.path} → ${r.status} (${r.durationMs} ms)`,
              ),
              h(
                'pre',
                { tabindex: 0 },
                JSON.stringify(
                  {
                    query: r.query,
                    clientId: r.clientId,
                    requestHeaders: r.requestHeaders,
                    requestBody: r.requestBody,
                    responseBody: r.responseBody,
                  },
                  null,
                  2,
                ),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'faults-title' },
      h('h3', { id: 'faults-title' }, 'Fault rules'),
      faultForm,
      h(
        'ul',
        {},
        faultList.map((f) =>
          h(
            'li',
            {},
            `${f.method ?? 'any'} ${f.path} → ${f.status ?? 'normal'} · remaining ${f.remaining ?? 'unlimited'} · hits ${f.hits ?? 0} `,
            h(
              'button',
              {
                type: 'button',
                onclick: () => guard(() => api('DELETE', `/admin/v1/faults/${f.id}`), 'Fault rule removed'),
              },
              `Remove rule ${f.id}`,
            ),
          ),
        ),
      ),
      faultList.length
        ? h(
            'button',
            {
              type: 'button',
              onclick: () => guard(() => api('DELETE', '/admin/v1/faults'), 'Fault rules removed'),
            },
            'Remove all rules',
          )
        : h('p', { class: 'muted' }, 'No fault rules.'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'limits-title' },
      h('h3', { id: 'limits-title' }, 'Rate limits'),
      limitForm,
      h(
        'p',
        { class: 'muted' },
        Object.entries(limits.groups)
          .map(([g, n]) => `${g} ${n}`)
          .join(' · '),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'subs-title' },
      h('h3', { id: 'subs-title' }, 'Subscriptions'),
      subscriptions.records.length === 0 ? h('p', { class: 'muted' }, 'No subscriptions.') : null,
      h(
        'ul',
        {},
        subscriptions.records.map((s) => {
          const deliveries = h('ol', { class: 'deliveries' })
          const details = h(
            'details',
            {},
            h(
              'summary',
              {},
              `${s.id} · ${(s.deliveryMode as { transportType?: string } | undefined)?.transportType ?? ''} · ${s.status} · ext. ${s.extensionId} · last ${s.lastDeliveryStatus ?? 'none'} · queued ${s.queued ?? 0}`,
            ),
            deliveries,
          )
          details.addEventListener('toggle', async () => {
            if (!details.open) return
            const list = await api<{ records: Record<string, unknown>[] }>(
              'GET',
              `/admin/v1/subscriptions/${s.id}/deliveries`,
            )
            fill(
              deliveries,
              list.records.map((d) =>
                h(
                  'li',
                  {},
                  `${formatTime(String(d.time))} ${d.outcome} ${d.status ?? ''} ${d.durationMs ?? ''} ms ${d.error ?? ''}`,
                ),
              ),
            )
          })
          return h('li', {}, details)
        }),
      ),
    ),
    h('section', { 'aria-labelledby': 'reset-title' }, h('h3', { id: 'reset-title' }, 'Reset'), resetForm),
  )
}

let journalFilter = ''
