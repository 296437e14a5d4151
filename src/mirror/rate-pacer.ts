/**
 * Paces requests to the source by RingCentral's throttling groups, from what the source
 * says in its answers: `X-Rate-Limit-Group`, `-Limit`, `-Remaining`, `-Window` (seconds)
 * on every answer, `Retry-After` on a 429. The group of a request is learned from the
 * first answer to a request of the same kind (FSync, content download, …); a request of a
 * kind not yet answered goes at once.
 *
 * While a group has more than `reserve` requests left in its window, requests go
 * unpaced; below that they are spaced `window / limit` apart, so the mirror settles at
 * the group's rate instead of running into its penalty. A 429 stops the whole group for
 * `Retry-After` seconds: under RingCentral's rules every request during the penalty
 * restarts it, so no worker may try before it ends.
 */
export interface GroupState {
  group: string
  limit: number
  remaining: number
  windowMs: number
  /** No request of the group before this time (epoch ms). */
  notBefore: number
}

export interface HeaderSource {
  get(name: string): string | null
}

/** How long to wait after a 429 that names no `Retry-After` (RingCentral's clients wait 30–60 s). */
export const DEFAULT_RETRY_AFTER_MS = 60_000

export class RatePacer {
  private readonly groups = new Map<string, GroupState>()
  private readonly kinds = new Map<string, string>()

  constructor(
    private readonly reserve: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = delay,
  ) {}

  /** Waits until a request of `kind` may go. */
  async before(kind: string): Promise<void> {
    for (;;) {
      const state = this.stateOf(kind)
      if (!state) return
      const now = this.now()
      if (state.notBefore > now) {
        await this.sleep(state.notBefore - now)
        continue
      }
      if (state.remaining <= this.reserve && state.limit > 0) {
        // Take the next slot at the group's steady rate.
        state.notBefore = now + Math.ceil(state.windowMs / state.limit)
        state.remaining = Math.max(0, state.remaining - 1)
      } else {
        state.remaining -= 1
      }
      return
    }
  }

  /** Reads the rate-limit headers of an answer to a request of `kind`. */
  after(kind: string, status: number, headers: HeaderSource): void {
    const group = headers.get('x-rate-limit-group')
    if (!group) return
    this.kinds.set(kind, group)
    const limit = Number(headers.get('x-rate-limit-limit'))
    const remaining = Number(headers.get('x-rate-limit-remaining'))
    const windowSeconds = Number(headers.get('x-rate-limit-window'))
    const state = this.groups.get(group) ?? { group, limit: 0, remaining: 0, windowMs: 60_000, notBefore: 0 }
    if (Number.isFinite(limit) && limit > 0) state.limit = limit
    if (Number.isFinite(remaining)) state.remaining = remaining
    if (Number.isFinite(windowSeconds) && windowSeconds > 0) state.windowMs = windowSeconds * 1000
    if (status === 429) {
      state.remaining = 0
      state.notBefore = Math.max(state.notBefore, this.now() + retryAfterMs(headers))
    }
    this.groups.set(group, state)
  }

  /** After a 429 that carried no group header: the kind itself waits. */
  penalize(kind: string, headers: HeaderSource): number {
    const wait = retryAfterMs(headers)
    const group = this.kinds.get(kind) ?? `kind:${kind}`
    this.kinds.set(kind, group)
    const state = this.groups.get(group) ?? { group, limit: 0, remaining: 0, windowMs: 60_000, notBefore: 0 }
    state.notBefore = Math.max(state.notBefore, this.now() + wait)
    this.groups.set(group, state)
    return wait
  }

  /** What the pacer knows, for the progress line and logs. */
  snapshot(): GroupState[] {
    return [...this.groups.values()].map((s) => ({ ...s }))
  }

  private stateOf(kind: string): GroupState | undefined {
    const group = this.kinds.get(kind)
    return group === undefined ? undefined : this.groups.get(group)
  }
}

/** `Retry-After` in seconds (or an HTTP date), else the default wait. */
export function retryAfterMs(headers: HeaderSource, now = Date.now()): number {
  const value = headers.get('retry-after')
  if (value) {
    const seconds = Number(value)
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
    const at = Date.parse(value)
    if (Number.isFinite(at)) return Math.max(0, at - now)
  }
  return DEFAULT_RETRY_AFTER_MS
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
