import type { Kysely } from 'kysely'
import type { LifecycleSettings } from '../services/lifecycle.js'
import { NEW_PASS, type RetentionSettings } from '../services/retention.js'
import { ensureSingletonJob } from '../storage/repositories/singleton-jobs.js'
import type { DB } from '../storage/schema.js'
import { blobReleaseJob } from './definitions/blob-release.js'
import { PURGE_SWEEP, RETENTION_SWEEP } from './definitions/names.js'
import { purgeSweepJob } from './definitions/purge-sweep.js'
import { retentionSweepJob } from './definitions/retention-sweep.js'
import type { JobRunner } from './runner.js'

export interface SweepSettings extends LifecycleSettings, Pick<RetentionSettings, 'interval' | 'caps'> {
  /** Frees attachment bytes no attachment references any more. */
  releaseBlobs(keys: string[]): Promise<void>
}

/** Registers the message life-cycle jobs with a runner. */
export function registerSweeps(runner: JobRunner, s: SweepSettings): void {
  runner.register(
    purgeSweepJob({ purgeAfter: s.purgeAfter, removeAfter: s.removeAfter, lockRows: s.lockRows }),
  )
  runner.register(retentionSweepJob({ interval: s.interval, lockRows: s.lockRows, caps: s.caps }))
  runner.register(blobReleaseJob(s.releaseBlobs))
}

/**
 * Makes sure each sweep exists, due now: at start, so that settings changed since the
 * last run (shorter periods) take effect at once.
 */
export async function scheduleSweeps(db: Kysely<DB>, now: number): Promise<void> {
  await ensureSingletonJob(db, PURGE_SWEEP, {}, now)
  await ensureSingletonJob(db, RETENTION_SWEEP, NEW_PASS, now)
}
