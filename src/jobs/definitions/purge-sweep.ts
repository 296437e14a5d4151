import { type LifecycleSettings, lifecycleStep } from '../../services/lifecycle.js'
import type { JobDefinition } from '../job.js'
import { BLOB_RELEASE, PURGE_SWEEP } from './names.js'

/**
 * Deleted → Purged → removed, on the store clock. One row of this job exists at a time
 * (see jobs/sweeps.ts); each run does one step in the runner's transaction and, in
 * that same transaction, enqueues the next run and deletes its own row, so the chain
 * runs exactly once across nodes and never forks or breaks. While work is due the next
 * run is due at once, so moving the manual clock settles it all before answering.
 */
export function purgeSweepJob(settings: LifecycleSettings): JobDefinition<Record<string, never>> {
  return {
    name: PURGE_SWEEP,
    transactional: true,
    maxAttempts: 20,
    async handle(_payload, ctx) {
      const step = await lifecycleStep(ctx.db, ctx.now, settings)
      if (step.blobKeys.length > 0) await ctx.enqueue(BLOB_RELEASE, { keys: step.blobKeys }, ctx.now)
      await ctx.enqueue(PURGE_SWEEP, {}, step.next)
    },
  }
}
