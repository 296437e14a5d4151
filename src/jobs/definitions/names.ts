/** The names of the message life-cycle jobs (stored in `jobs.name`: never rename one). */
export const PURGE_SWEEP = 'lifecycle.purge-sweep'
export const RETENTION_SWEEP = 'retention.sweep'
export const BLOB_RELEASE = 'blobs.release'

/** Jobs of which exactly one row exists at any time: each run enqueues its successor. */
export const SWEEPS = [PURGE_SWEEP, RETENTION_SWEEP] as const
