/**
 * The creation times of the messages a list filter matches in one mailbox (dates
 * aside), sorted, with the mailbox's change number they were read at: the count of any
 * window of the same filter is then two binary searches instead of a count in the
 * database.
 *
 * Why: every listing answers `totalElements`, and counting the window was the part of
 * an uncached listing that grows with the mailbox (about 85 µs of SQLite's time for a
 * mailbox of 1,000 messages, more on PostgreSQL). Clients page through and re-list the
 * same mailbox with windows that differ (a `dateFrom` of "now minus a day" moves every
 * time), so a count kept per window would rarely be asked again; the times serve every
 * window. An entry is used only when the page was read at the same change number, so a
 * count is never stale (every change to a mailbox raises the number).
 */
export class WindowCounts {
  /** Oldest first (Map order); a hit moves its entry to the young end. */
  private readonly entries = new Map<string, Entry>()
  private held = 0

  constructor(
    /** Creation times kept in all, 8 bytes each. */
    private readonly maxTimes: number,
    /** An entry found stale is read again at most this often (a mailbox written between every listing). */
    private readonly reloadAfterMs = 1000,
  ) {}

  /** The entry for `key`, whatever its change number. */
  get(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry) {
      this.entries.delete(key)
      this.entries.set(key, entry)
    }
    return entry
  }

  /** Whether `key` should be read (again): unknown, or stale and not read in the last moment. */
  wantsLoad(key: string, now: number): boolean {
    const entry = this.entries.get(key)
    return entry === undefined || now - entry.loadedAt >= this.reloadAfterMs
  }

  set(key: string, mailboxSeq: number, times: Float64Array, now: number): void {
    if (times.length > this.maxTimes) return
    const prior = this.entries.get(key)
    if (prior) {
      this.entries.delete(key)
      this.held -= prior.times.length
    }
    this.entries.set(key, { mailboxSeq, times, loadedAt: now })
    this.held += times.length
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.maxTimes) break
      this.entries.delete(oldest)
      this.held -= entry.times.length
    }
  }
}

export interface Entry {
  mailboxSeq: number
  /** Ascending. */
  times: Float64Array
  /** performance.now() when read. */
  loadedAt: number
}

/** How many of the ascending `times` lie in [from, to]. */
export function countBetween(times: Float64Array, from: number, to: number): number {
  return to < from ? 0 : firstAbove(times, to) - firstAtLeast(times, from)
}

function firstAtLeast(times: Float64Array, value: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function firstAbove(times: Float64Array, value: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}
