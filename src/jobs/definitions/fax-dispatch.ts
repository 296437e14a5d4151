import { dispatchScheduledFax, FAX_DISPATCH_JOB } from '../../services/sending/fax.js'
import type { JobDefinition } from '../job.js'

interface FaxDispatchPayload {
  /** Absent in jobs enqueued before migration 0006 (see payloadMailbox). */
  accountId?: string
  extensionId: string
  messageId: number
}

/**
 * A scheduled fax (`sendTime` in the future), sent when the store's clock reaches it:
 * the recipients' copies and the start of each delivery, in the job's transaction.
 */
export function faxDispatchJob(lockRows: boolean): JobDefinition<FaxDispatchPayload> {
  return {
    name: FAX_DISPATCH_JOB,
    transactional: true,
    handle: (payload, ctx) => dispatchScheduledFax(ctx.db, payload, ctx.now, lockRows),
  }
}
