import {
  DELIVERY_STEP_JOB,
  type DeliveryStepPayload,
  runDeliveryStep,
} from '../../services/sending/delivery.js'
import type { JobDefinition } from '../job.js'

/**
 * One step of an outbound message's delivery to one recipient (carrier simulator or
 * inside the store). Transactional: the status change, its place in the mailbox's
 * change sequence and the next step's job commit with the removal of this job, so a
 * restart at any point neither loses a step nor applies one twice.
 */
export function deliveryStepJob(lockRows: boolean): JobDefinition<DeliveryStepPayload> {
  return {
    name: DELIVERY_STEP_JOB,
    transactional: true,
    handle: (payload, ctx) => runDeliveryStep(ctx.db, payload, ctx.now, lockRows, ctx.enqueue),
  }
}
