/** The one source of time: every timestamp msgstore writes or compares comes from here. */
export interface Clock {
  readonly mode: 'system' | 'manual'
  now(): number
}

export class SystemClock implements Clock {
  readonly mode = 'system' as const
  now(): number {
    return Date.now()
  }
}

/**
 * Where a manual clock keeps its time: in the database, so that a restart resumes from
 * it and, when several nodes share one store, moving the clock on one moves it on all.
 */
export interface ClockStore {
  /** Stores `at` unless the stored time is later; answers the time now stored. */
  advanceTo(at: number): Promise<number>
  read(): Promise<number | undefined>
}

/** A virtual clock that starts at the real time and moves only when told to, never backwards. */
export class ManualClock implements Clock {
  readonly mode = 'manual' as const
  private current: number

  /** `sharedByNodes`: other processes may move the stored time, so it is read again before use. */
  constructor(
    start: number,
    private readonly store?: ClockStore,
    private readonly sharedByNodes = store !== undefined,
  ) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  /** Joins the shared time at start: the later of the stored time and the real time. */
  async start(): Promise<void> {
    if (this.store) this.current = await this.store.advanceTo(this.current)
  }

  /** Picks up a move made by another node. */
  async refresh(): Promise<void> {
    if (!this.store) return
    const stored = await this.store.read()
    if (stored !== undefined && stored > this.current) this.current = stored
  }

  /** Moves to `to`; returns false (and stays) when `to` is in the past. */
  async moveTo(to: number): Promise<boolean> {
    await this.refresh()
    if (to < this.current) return false
    this.current = this.store ? await this.store.advanceTo(to) : to
    return true
  }

  get shared(): boolean {
    return this.sharedByNodes
  }
}
