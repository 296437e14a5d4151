/** Bodies are cut at this many bytes when the journal is read. */
export const BODY_LIMIT = 64 * 1024

/** The start of an answer, copied into the buffer of the ring slot `slot`. */
interface Copy {
  /** The journal whose ring holds the copy: one buffer may be served by two servers in one process. */
  owner: PayloadCopies
  slot: number
  length: number
  /** The answer's whole length, in bytes (or characters for a Latin-1 copy). */
  total: number
  latin1: boolean
  /** False once the ring has come round to the slot: no entry refers to the copy any more. */
  live: boolean
}

/**
 * What the journal keeps of an answer's payload: a copy of its start, the payload
 * itself (a string with characters above U+00FF), a note that it was streamed, or nothing.
 */
export type KeptPayload = null | string | Copy | typeof STREAMED

/** A streamed answer (an attachment) is never kept: the entry would hold the stream and what it buffers. */
const STREAMED = Symbol('streamed')

/**
 * A buffer payload's copy, on the buffer itself, for when the same buffer is served again.
 * Not a WeakMap: each of its entries is work for the collector at every collection, and
 * a listing whose query never repeats added one an answer (measured: 3–4% of the route).
 */
const COPY = Symbol('journal copy')
type Marked = Buffer & { [COPY]?: Copy }

/** Any character a Latin-1 copy cannot hold. On a one-byte string V8 answers at once. */
const WIDE = /[\u0100-\uffff]/

/**
 * The start of each answer the journal keeps, copied into a buffer that belongs to a ring
 * slot and is reused when the ring comes round.
 *
 * Why copy rather than keep the payload: an answer the journal keeps lives for a thousand
 * requests, so a fresh one (a page of a listing read once, about 90 KB) leaves the young
 * generation and dies in the old one. Keeping them made a listing that never repeats its
 * query cost 1.6 times the CPU an answer of the same build without the controls.
 * A copy costs a memory copy of at most 64 KB. A string of one-byte characters, almost
 * every JSON answer, is copied as Latin-1; its UTF-8 form, cut at 64 KB, is made only when
 * the journal is read. The rare string with wider characters is kept as it is.
 *
 * A buffer served again (the list route's kept pages, what a polling client is answered)
 * is not copied again: the copy moves, by swapping buffers, to the slot of the newest
 * entry that served it, and every entry that served it shares it. The ring overwrites
 * its entries oldest first, so the copy outlives all of them.
 */
export class PayloadCopies {
  private readonly buffers: (Buffer | undefined)[]
  /** The copy whose bytes are in each slot's buffer. */
  private readonly copies: (Copy | undefined)[]

  constructor(size: number) {
    this.buffers = new Array(size)
    this.copies = new Array(size)
  }

  /** What to keep of the payload of the entry now written to `slot`. */
  keep(slot: number, payload: unknown): KeptPayload {
    const overwritten = this.copies[slot]
    if (overwritten) overwritten.live = false
    this.copies[slot] = undefined
    if (payload === undefined || payload === null) return null
    if (typeof payload === 'string') {
      if (WIDE.test(payload)) return payload
      const length = Math.min(payload.length, BODY_LIMIT)
      this.buffer(slot, length).write(payload, 0, length, 'latin1')
      return this.copied(slot, { owner: this, slot, length, total: payload.length, latin1: true, live: true })
    }
    if (Buffer.isBuffer(payload)) {
      const shared = (payload as Marked)[COPY]
      if (shared?.live && shared.owner === this) return this.move(shared, slot)
      const length = Math.min(payload.length, BODY_LIMIT)
      payload.copy(this.buffer(slot, length), 0, 0, length)
      const copy = this.copied(slot, {
        owner: this,
        slot,
        length,
        total: payload.length,
        latin1: false,
        live: true,
      })
      ;(payload as Marked)[COPY] = copy
      return copy
    }
    return STREAMED
  }

  /** The kept payload as text, before redaction and the cut; binary bytes are only counted. */
  text(kept: KeptPayload): string | null {
    if (kept === null || typeof kept === 'string') return kept
    if (kept === STREAMED) return '[streamed body]'
    const bytes = this.buffers[kept.slot]!.subarray(0, kept.length)
    if (kept.latin1) return bytes.toString('latin1')
    try {
      // Streaming, so that a character cut at the copy's end is not taken for binary.
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: kept.length < kept.total })
    } catch {
      return `[${kept.total} bytes]`
    }
  }

  /** Lets go of every buffer (the journal was emptied). */
  clear(): void {
    for (const copy of this.copies) if (copy) copy.live = false
    this.copies.fill(undefined)
    this.buffers.fill(undefined)
  }

  private copied(slot: number, copy: Copy): Copy {
    this.copies[slot] = copy
    return copy
  }

  /** Moves a copy to the slot of a newer entry that shares it. */
  private move(copy: Copy, to: number): Copy {
    const from = copy.slot
    const buffer = this.buffers[from]
    this.buffers[from] = this.buffers[to]
    this.buffers[to] = buffer
    this.copies[from] = undefined
    copy.slot = to
    return this.copied(to, copy)
  }

  /** The slot's buffer, grown to a power of two that holds `length` bytes. */
  private buffer(slot: number, length: number): Buffer {
    const current = this.buffers[slot]
    if (current && current.length >= length) return current
    const grown = Buffer.allocUnsafeSlow(
      Math.min(BODY_LIMIT, Math.max(1024, 2 ** Math.ceil(Math.log2(length)))),
    )
    this.buffers[slot] = grown
    return grown
  }
}
