import { SliceRing } from './slice-ring.js'

/** The zip writer's memory plan (zip.ts): how far it reads ahead, and the buffers it reuses. */

/** Entries of at most this size are read whole ahead of their turn, several at once. */
export const READ_AHEAD_MAX = 256 * 1024
/** Entries pulled and read ahead of the one being added, at most… */
export const LOOKAHEAD = 256
/** …and bytes read ahead. */
export const LOOKAHEAD_BYTES = 4 * 1024 * 1024
/** Output pieces smaller than this are gathered into chunks of about this size. */
export const SMALL_CHUNK = 16 * 1024
export const GATHER_BYTES = 256 * 1024
/** Bytes added to the zip writer and not yet out of it, at most. */
export const AHEAD_BYTES = 2 * 1024 * 1024
/**
 * The read-ahead's memory: what is read ahead and what the zip writer holds, so that a
 * slice is free again by the time the read-ahead needs it.
 */
const RING_BYTES = LOOKAHEAD_BYTES + AHEAD_BYTES
/** Bytes an archive file is written in. */
const FILE_WRITE_BYTES = 1024 * 1024

/**
 * The memory an archive's bytes move through: the read-ahead ring and the buffer an
 * archive file is written through. An export hands one from archive to archive, one
 * at a time: allocated for every archive, each would live long enough to be freed only
 * by a full collection, and several would pile up.
 */
export class ZipMemory {
  private ringInUse?: SliceRing
  private fileInUse?: Buffer

  /** `ringBytes`: the read-ahead's memory (tests make it small). */
  constructor(private readonly ringBytes = RING_BYTES) {}

  ring(): SliceRing {
    this.ringInUse ??= new SliceRing(Math.max(this.ringBytes, READ_AHEAD_MAX))
    return this.ringInUse
  }

  fileBuffer(): Buffer {
    this.fileInUse ??= Buffer.allocUnsafeSlow(FILE_WRITE_BYTES)
    return this.fileInUse
  }

  /** After a failed archive: a read or a write may still be under way into this memory, so the next archive gets new. */
  discard(): void {
    this.ringInUse = undefined
    this.fileInUse = undefined
  }
}
