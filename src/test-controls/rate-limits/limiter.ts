import { type ApiError, errors } from '../../domain/errors.js'

export const GROUPS = ['Light', 'Medium', 'Heavy', 'Auth'] as const
export type Group = (typeof GROUPS)[number]

export interface RateLimitSettings {
  enabled: boolean
  windowSeconds: number
  penaltySeconds: number
  groups: Record<Group, number>
}

/** RingCentral's defaults: requests per user per app per minute, by group. */
export const DEFAULT_GROUPS: Record<Group, number> = { Light: 50, Medium: 40, Heavy: 10, Auth: 5 }

interface Counter {
  /** Real times (ms) of the requests counted in the window, oldest first. */
  times: number[]
  /** While in the penalty: when it ends (every request during it restarts it). */
  penaltyUntil: number
}

/** What one request is answered: the headers, and the refusal when it is one. */
export interface RateDecision {
  headers: Record<string, string>
  refusal?: ApiError
}

/**
 * RingCentral's rate limits: per app, extension and throttling group, a sliding window
 * of `windowSeconds`; the request over the limit starts a penalty of `penaltySeconds`
 * during which every request is refused (429 CMN-301, Retry-After) and restarts it.
 * The penalty ends with an empty window. Real time, not the store's clock: clients
 * wait in real time. Counters are per node (see docs/test-controls.md for the bound).
 */
export class RateLimiter {
  private settings: RateLimitSettings
  private readonly counters = new Map<string, Counter>()

  constructor(
    enabled: boolean,
    windowSeconds: number,
    penaltySeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { enabled, windowSeconds, penaltySeconds, groups: { ...DEFAULT_GROUPS } }
  }

  /** The hot path's only question when the limits are off. */
  get enabled(): boolean {
    return this.settings.enabled
  }

  read(): RateLimitSettings {
    return { ...this.settings, groups: { ...this.settings.groups } }
  }

  /** Changes the settings; counters start again, as after a deployment of new limits. */
  update(next: RateLimitSettings): RateLimitSettings {
    this.settings = { ...next, groups: { ...next.groups } }
    this.counters.clear()
    return this.read()
  }

  clear(): void {
    this.counters.clear()
  }

  take(group: Group, key: string): RateDecision {
    const { windowSeconds, penaltySeconds } = this.settings
    const limit = this.settings.groups[group]
    const now = this.now()
    const id = `${group}|${key}`
    let counter = this.counters.get(id)
    if (!counter) {
      counter = { times: [], penaltyUntil: 0 }
      this.counters.set(id, counter)
    }
    const headers = (remaining: number): Record<string, string> => ({
      'x-rate-limit-group': group,
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(remaining),
      'x-rate-limit-window': String(windowSeconds),
    })
    if (counter.penaltyUntil <= now) this.prune(counter, now, windowSeconds)
    if (counter.penaltyUntil > now || counter.times.length >= limit) {
      // Over the limit, or again during the penalty: the penalty (re)starts now.
      counter.penaltyUntil = now + penaltySeconds * 1000
      counter.times.length = 0
      const h = { ...headers(0), 'retry-after': String(penaltySeconds) }
      return { headers: h, refusal: errors.rateExceeded(h) }
    }
    counter.times.push(now)
    return { headers: headers(Math.max(0, limit - counter.times.length)) }
  }

  private prune(counter: Counter, now: number, windowSeconds: number): void {
    const start = now - windowSeconds * 1000
    let drop = 0
    while (drop < counter.times.length && counter.times[drop]! <= start) drop++
    if (drop > 0) counter.times.splice(0, drop)
  }
}

/** A PUT body: every field optional, each checked; answers the settings it makes. */
export function mergeSettings(current: RateLimitSettings, body: unknown): RateLimitSettings {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('enabled', 'The body is a JSON object.')
  const b = body as Record<string, unknown>
  const next = { ...current, groups: { ...current.groups } }
  for (const key of Object.keys(b)) {
    if (!['enabled', 'windowSeconds', 'penaltySeconds', 'groups'].includes(key))
      throw invalid(key, 'Unknown field.')
  }
  if (b.enabled !== undefined) {
    if (typeof b.enabled !== 'boolean') throw invalid('enabled', 'Expected true or false.')
    next.enabled = b.enabled
  }
  for (const name of ['windowSeconds', 'penaltySeconds'] as const) {
    if (b[name] === undefined) continue
    const v = b[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 86400)
      throw invalid(name, 'Expected an integer number of seconds from 1 to 86400.')
    next[name] = v
  }
  if (b.groups !== undefined) {
    if (typeof b.groups !== 'object' || b.groups === null || Array.isArray(b.groups))
      throw invalid('groups', 'Expected an object such as { "Light": 50 }.')
    for (const [group, v] of Object.entries(b.groups as Record<string, unknown>)) {
      if (!(GROUPS as readonly string[]).includes(group))
        throw invalid(`groups.${group}`, `Groups: ${GROUPS.join(', ')}.`)
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1_000_000)
        throw invalid(`groups.${group}`, 'Expected a positive integer.')
      next.groups[group as Group] = v
    }
  }
  return next
}

function invalid(name: string, why: string): ApiError {
  return errors.invalidParameter(name, why)
}
