import type { Kysely } from 'kysely'
import { type Channel, deliveryPlan, type Route } from '../../carriers/simulator.js'
import { applyDeliveryStep } from '../../domain/message/delivery.js'
import type { Message } from '../../domain/message/model.js'
import { enqueueJob } from '../../storage/repositories/jobs.js'
import { changeDelivery } from '../../storage/repositories/message-status.js'
import type { DB } from '../../storage/schema.js'

export const DELIVERY_STEP_JOB = 'delivery.step'

/**
 * One step of one recipient's delivery, as a job payload. It names the plan (route,
 * channel, number) rather than holding it, and `origin` (the hand-over time) fixes
 * when every step of the plan is due, so each step is a pure function of its payload.
 */
export interface DeliveryStepPayload {
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

/**
 * Hands a message over: enqueues the first step of each recipient's delivery in the
 * transaction that wrote the message, so a message is never stored without its
 * delivery, nor delivered without being stored.
 */
export async function startDeliveries(
  trx: Kysely<DB>,
  message: Message,
  routes: Route[],
  channel: Channel,
  origin: number,
): Promise<void> {
  for (const [recipient, route] of routes.entries()) {
    const phoneNumber = message.to[recipient]?.phoneNumber ?? ''
    const payload: DeliveryStepPayload = {
      extensionId: message.extensionId,
      messageId: message.id,
      recipient,
      phoneNumber,
      route,
      channel,
      step: 0,
      origin,
    }
    const first = deliveryPlan(route, channel, phoneNumber)[0]
    if (first) await enqueueJob(trx, DELIVERY_STEP_JOB, payload, origin + first.afterMs)
  }
}

/**
 * Runs one step inside the job's transaction: the status change (a new change in the
 * mailbox's sequence, the record re-rendered) and the next step's job commit together
 * with the removal of this step's job, or not at all; so a step is applied exactly once
 * however often the process dies.
 */
export async function runDeliveryStep(
  trx: Kysely<DB>,
  p: DeliveryStepPayload,
  now: number,
  lockRows: boolean,
  enqueue: (name: string, payload: unknown, runAt: number) => Promise<void>,
): Promise<void> {
  const plan = deliveryPlan(p.route, p.channel, p.phoneNumber)
  const step = plan[p.step]
  if (!step) return
  const target = { extensionId: p.extensionId, messageId: p.messageId, lockRows }
  const changed = await changeDelivery(
    trx,
    target,
    (m) => applyDeliveryStep(m, p.recipient, step, p.channel, p.origin + step.afterMs),
    now,
  )
  const next = plan[p.step + 1]
  if (changed && next) await enqueue(DELIVERY_STEP_JOB, { ...p, step: p.step + 1 }, p.origin + next.afterMs)
}
