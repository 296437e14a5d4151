import type { Transaction } from 'kysely'
import { type Channel, deliveryPlan, type Route } from '../../carriers/simulator.js'
import { applyDeliveryStep, type DeliveryStep } from '../../domain/message/delivery.js'
import type { Message } from '../../domain/message/model.js'
import { enqueue, type JobContext, type JobDefinition, jobKind } from '../../jobs/job.js'
import { payloadMailbox } from '../../storage/repositories/mailbox-key.js'
import { changeDelivery } from '../../storage/repositories/message-status.js'
import type { DB } from '../../storage/schema.js'

/**
 * One step of one recipient's delivery, as a job payload. It names the plan (route,
 * channel, number) rather than holding it, and `origin` (the hand-over time) fixes
 * when every step of the plan is due, so each step is a pure function of its payload.
 */
export interface DeliveryStepPayload {
  /** Absent in steps enqueued before migration 0006 (see payloadMailbox). */
  accountId?: string
  extensionId: string
  messageId: number
  /** Index of the recipient in the sender's copy's `to`. */
  recipient: number
  phoneNumber: string
  route: Route
  channel: Channel
  step: number
  origin: number
}

export const DELIVERY_STEP = jobKind<DeliveryStepPayload>('delivery.step')

/**
 * Hands a message over: in the transaction that wrote the message, runs the steps due
 * at the hand-over itself (deliveries inside the store) and enqueues the next step of
 * each recipient, so a message is never stored without its delivery, nor delivered
 * without being stored. The caller's `message` keeps the state it was written in
 * (`Queued`): that is the send's answer; each step applied here is a change of its own.
 */
export async function startDeliveries(
  trx: Transaction<DB>,
  message: Message,
  routes: Route[],
  channel: Channel,
  origin: number,
): Promise<void> {
  for (const [recipient, route] of routes.entries()) {
    const phoneNumber = message.to[recipient]?.phoneNumber ?? ''
    const payload: DeliveryStepPayload = {
      accountId: message.accountId,
      extensionId: message.extensionId,
      messageId: message.id,
      recipient,
      phoneNumber,
      route,
      channel,
      step: 0,
      origin,
    }
    const plan = deliveryPlan(route, channel, phoneNumber)
    while (plan[payload.step] && plan[payload.step]!.afterMs <= 0) {
      await applyStep(trx, payload, plan[payload.step]!, origin)
      payload.step++
    }
    const next = plan[payload.step]
    if (next) await enqueue(trx, DELIVERY_STEP, payload, origin + next.afterMs)
  }
}

async function applyStep(
  trx: Transaction<DB>,
  p: DeliveryStepPayload,
  step: DeliveryStep,
  now: number,
): Promise<Message | undefined> {
  const mailbox = await payloadMailbox(trx, p)
  if (!mailbox) return undefined
  const target = { ...mailbox, messageId: p.messageId }
  return changeDelivery(
    trx,
    target,
    (m) => applyDeliveryStep(m, p.recipient, step, p.channel, p.origin + step.afterMs),
    now,
  )
}

/**
 * Runs one step inside the job's transaction: the status change (a new change in the
 * mailbox's sequence, the record re-rendered) and the next step's job commit together
 * with the removal of this step's job, or not at all; so a step is applied exactly once
 * however often the process dies.
 */
export async function runDeliveryStep(
  trx: Transaction<DB>,
  p: DeliveryStepPayload,
  now: number,
  enqueueNext: JobContext['enqueue'],
): Promise<void> {
  const plan = deliveryPlan(p.route, p.channel, p.phoneNumber)
  const step = plan[p.step]
  if (!step) return
  const changed = await applyStep(trx, p, step, now)
  const next = plan[p.step + 1]
  if (changed && next) await enqueueNext(DELIVERY_STEP, { ...p, step: p.step + 1 }, p.origin + next.afterMs)
}

/**
 * One step of an outbound message's delivery to one recipient (carrier simulator or
 * inside the store). Transactional: the status change, its place in the mailbox's
 * change sequence and the next step's job commit with the removal of this job, so a
 * restart at any point neither loses a step nor applies one twice.
 */
export function deliveryStepJob(): JobDefinition<DeliveryStepPayload> {
  return {
    kind: DELIVERY_STEP,
    transactional: true,
    handle: (payload, ctx) => runDeliveryStep(ctx.db, payload, ctx.now, ctx.enqueue),
  }
}
