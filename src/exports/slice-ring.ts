/**
 * One fixed buffer lent out in slices that come back in the order they were lent: the
 * read-ahead of an archive's attachments. An export moves a gigabyte through a few
 * megabytes; with a new Buffer per attachment that gigabyte becomes garbage outside
 * the JavaScript heap, which the garbage collector lets grow by tens of megabytes
 * before it looks, and the process keeps the memory it grew into.
 *
 * A slice comes back when the zip's output has copied the bytes out of it
 * (`passed`): attachments go out in the order they were read, so slices come back in
 * the order they were lent and the free space is always one region, perhaps wrapped.
 */
export class SliceRing {
  readonly buffer: Buffer
  /** Slices lent and not yet back, oldest first: [start, end) offsets. */
  private readonly lent: { start: number; end: number }[] = []
  private head = 0
  private waiters: (() => void)[] = []

  constructor(size: number) {
    // Memory of its own: `passed` tells the ring's slices from any other buffer by it.
    this.buffer = Buffer.allocUnsafeSlow(size)
  }

  /** A slice of `size` bytes (more than zero, at most the ring's size), or undefined while there is no room. */
  take(size: number): Buffer | undefined {
    const capacity = this.buffer.length
    if (size <= 0 || size > capacity) throw new Error(`slice of ${size} bytes from a ring of ${capacity}`)
    let start: number
    if (this.lent.length === 0) start = 0
    else {
      const tail = this.lent[0]!.start
      if (this.head > tail) {
        // Free: from the head to the end, then from the start to the tail.
        if (capacity - this.head >= size) start = this.head
        else if (tail >= size) start = 0
        else return undefined
      } else if (tail - this.head >= size) start = this.head
      else return undefined
    }
    this.lent.push({ start, end: start + size })
    this.head = start + size
    return this.buffer.subarray(start, start + size)
  }

  /** Resolves when a slice comes back. */
  room(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /** Whether `piece` is the ring's memory. */
  holds(piece: Buffer): boolean {
    return piece.buffer === this.buffer.buffer
  }

  /**
   * Called with every piece of output once it is copied: when the piece is the end of
   * a lent slice, that slice (and any before it) comes back.
   */
  passed(piece: Buffer): void {
    if (!this.holds(piece)) return
    const end = piece.byteOffset - this.buffer.byteOffset + piece.length
    const index = this.lent.findIndex((s) => s.start < end && end <= s.end)
    if (index === -1 || this.lent[index]!.end !== end) return
    this.lent.splice(0, index + 1)
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** Lets everything waiting for room go on (the archive failed). */
  wakeAll(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }
}
