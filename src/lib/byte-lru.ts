/**
 * A least-recently-used map of byte buffers bounded by their total size, for copies
 * that are cheap to drop and costly to rebuild.
 */
export class ByteLru<V extends { bytes: Buffer }> {
  private readonly entries = new Map<string, V>()
  private size = 0

  constructor(private readonly maxBytes: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key)
    if (value !== undefined) {
      // Re-inserting moves the key to the young end of the Map's order.
      this.entries.delete(key)
      this.entries.set(key, value)
    }
    return value
  }

  set(key: string, value: V): void {
    this.delete(key)
    if (value.bytes.length > this.maxBytes) return
    this.entries.set(key, value)
    this.size += value.bytes.length
    for (const [oldest, old] of this.entries) {
      if (this.size <= this.maxBytes) break
      this.entries.delete(oldest)
      this.size -= old.bytes.length
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key)
    if (old === undefined) return
    this.entries.delete(key)
    this.size -= old.bytes.length
  }

  get totalBytes(): number {
    return this.size
  }
}
