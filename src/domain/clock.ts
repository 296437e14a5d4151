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

/** A virtual clock that starts at the real time and moves only when told to, never backwards. */
export class ManualClock implements Clock {
  readonly mode = 'manual' as const
  private current: number

  constructor(start: number) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  /** Moves to `to`; returns false (and stays) when `to` is in the past. */
  moveTo(to: number): boolean {
    if (to < this.current) return false
    this.current = to
    return true
  }
}
