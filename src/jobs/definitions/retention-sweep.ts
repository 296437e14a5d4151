import {
  NEW_PASS,
  type RetentionPass,
  type RetentionSettings,
  retentionStep,
} from '../../services/retention.js'
import type { JobDefinition } from '../job.js'
import { BLOB_RELEASE, RETENTION_SWEEP } from './names.js'

/**
 * The retention rules and mailbox limits, on the store clock: one step of a pass per
 * run (see services/retention.ts), the pass's progress carried in the payload of the
 * next run, which is enqueued in the same transaction (see purge-sweep.ts).
 */
export function retentionSweepJob(settings: RetentionSettings): JobDefinition<Partial<RetentionPass>> {
  return {
    name: RETENTION_SWEEP,
    transactional: true,
    maxAttempts: 20,
    async handle(payload, ctx) {
      const pass: RetentionPass = payload.phase ? (payload as RetentionPass) : NEW_PASS
      const step = await retentionStep(ctx.db, ctx.now, pass, settings)
      if (step.blobKeys.length > 0) await ctx.enqueue(BLOB_RELEASE, { keys: step.blobKeys }, ctx.now)
      await ctx.enqueue(RETENTION_SWEEP, step.pass, step.next)
    },
  }
}
