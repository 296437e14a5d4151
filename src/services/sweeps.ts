import type { Kysely } from 'kysely'
import { encodePayload } from '../jobs/job.js'
import type { JobRunner } from '../jobs/runner.js'
import { ensureSingletonJob } from '../storage/repositories/singleton-jobs.js'
import type { DB } from '../storage/schema.js'
import { blobReleaseJob } from './blob-release.js'
import { type LifecycleSettings, PURGE_SWEEP, purgeSweepJob } from './lifecycle-sweep.js'
import { NEW_PASS, RETENTION_SWEEP, type RetentionSettings, retentionSweepJob } from './retention.js'

/** Jobs of which exactly one row exists at any time: each run enqueues its successor. */
export const SWEEPS = [PURGE_SWEEP.name, RETENTION_SWEEP.name] as const

export interface SweepSettings extends LifecycleSettings, Pick<RetentionSettings, 'interval' | 'caps'> {
  /** Frees attachment bytes no attachment references any more. */
  releaseBlobs(keys: string[]): Promise<void>
}

/** Registers the message life-cycle jobs with a runner. */
export function registerSweeps(runner: JobRunner, s: SweepSettings): void {
  runner.register(purgeSweepJob({ purgeAfter: s.purgeAfter, removeAfter: s.removeAfter }))
  runner.register(retentionSweepJob({ interval: s.interval, caps: s.caps }))
  runner.register(blobReleaseJob(s.releaseBlobs))
}

/**
 * Makes sure each sweep exists, due now: at start, so that settings changed since the
 * last run (shorter periods) take effect at once.
 */
export async function scheduleSweeps(db: Kysely<DB>, now: number): Promise<void> {
  await ensureSingletonJob(db, PURGE_SWEEP.name, encodePayload(PURGE_SWEEP, {}), now)
  await ensureSingletonJob(db, RETENTION_SWEEP.name, encodePayload(RETENTION_SWEEP, NEW_PASS), now)
}
