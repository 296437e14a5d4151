import { api } from '../api.js'
import { field, fill, formatTime, h } from '../dom.js'

interface ClockState {
  mode: string
  now: string
}

/** The store's clock: mode and time; a manual clock is advanced or set here, and what came due runs at once. */
export async function renderClock(
  root: HTMLElement,
  notify: (text: string, error?: boolean) => void,
): Promise<void> {
  const clock = await api<ClockState>('GET', '/admin/v1/clock')
  const advance = h('input', { type: 'text', name: 'advance', value: 'PT1M', size: 8, pattern: 'P.*' })
  const set = h('input', { type: 'datetime-local', name: 'set', step: 1 })
  const move = async (body: unknown, what: string) => {
    try {
      const next = await api<ClockState>('POST', '/admin/v1/clock', body)
      notify(`Clock ${what}: now ${formatTime(next.now)}; everything due has run`)
      await renderClock(root, notify)
    } catch (err) {
      notify((err as Error).message, true)
    }
  }
  const advanceForm = h(
    'form',
    { class: 'inline', 'aria-label': 'Advance the clock' },
    field('Advance by (ISO 8601 duration)', advance),
    h('button', { type: 'submit' }, 'Advance'),
  )
  advanceForm.addEventListener('submit', (e) => {
    e.preventDefault()
    void move({ advance: advance.value.trim() }, `advanced by ${advance.value.trim()}`)
  })
  const setForm = h(
    'form',
    { class: 'inline', 'aria-label': 'Set the clock' },
    field('Set to (UTC)', set),
    h('button', { type: 'submit' }, 'Set'),
  )
  setForm.addEventListener('submit', (e) => {
    e.preventDefault()
    if (!set.value) return
    void move({ set: new Date(`${set.value}Z`).toISOString() }, 'set')
  })
  fill(
    root,
    h(
      'p',
      { class: 'clock-now' },
      h('strong', {}, 'Store clock '),
      h('span', { id: 'clock-mode' }, clock.mode),
      ' · ',
      h('time', { id: 'clock-now', datetime: clock.now }, formatTime(clock.now)),
    ),
    clock.mode === 'manual'
      ? [advanceForm, setForm]
      : h(
          'p',
          { class: 'muted' },
          'The system clock runs by itself (start with --clock manual to move it here).',
        ),
  )
}
