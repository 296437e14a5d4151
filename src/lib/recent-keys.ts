/**
 * The last `max` keys asked for, without their values: what a cache consults before it
 * admits a value, so that it keeps only what is asked for more than once.
 */
export class RecentKeys {
  private readonly keys = new Set<string>()

  constructor(private readonly max: number) {}

  /** Whether `key` was asked for before (among the last `max`); remembers it either way. */
  askedBefore(key: string): boolean {
    const before = this.keys.delete(key)
    // Re-inserting moves the key to the young end of the Set's order.
    this.keys.add(key)
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string)
    return before
  }
}
