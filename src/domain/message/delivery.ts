import type { Message, MessageStatus } from './model.js'

/**
 * How one delivery step changes the sender's copy of a message. A message to several
 * recipients keeps each recipient's state in `to[].messageStatus` (as the API's
 * `MessageStoreCallerInfoResponseTo` and `FaxResponseTo` do) and its own
 * `messageStatus` is derived from them, so steps of different recipients can run in
 * any order and the result is the same.
 */

/** SMS covers MMS: both are `type: SMS` records with the same delivery states. */
export type Channel = 'SMS' | 'Fax'

/** One step of a recipient's delivery (the carrier simulator's plans are lists of these). */
export interface DeliveryStep {
  /** When the step is due, counted from the hand-over. */
  afterMs: number
  /** This recipient's state once the step has run. */
  status: Exclude<MessageStatus, 'Received'>
  /** The step is one sending attempt to the gateway (`smsSendingAttemptsCount`). */
  attempt?: boolean
  /** `deliveryErrorCode` (SMS, from the SMS errors guide) or `faxErrorCode` (fax) of a failure. */
  errorCode?: string
}

/**
 * The message's status from its recipients' states: Queued while any recipient is;
 * a failure only when no recipient succeeded (SendingFailed when none was even sent);
 * otherwise Sent while a success is not (yet, or ever) confirmed as Delivered.
 */
export function overallStatus(states: MessageStatus[]): MessageStatus {
  if (states.length === 0 || states.includes('Queued')) return 'Queued'
  const succeeded = states.filter((s) => s === 'Sent' || s === 'Delivered')
  if (succeeded.length === 0) {
    return states.every((s) => s === 'SendingFailed') ? 'SendingFailed' : 'DeliveryFailed'
  }
  return succeeded.includes('Sent') ? 'Sent' : 'Delivered'
}

/**
 * Applies `step` for recipient `index` to the sender's copy `m`, in place. `stepTime`
 * is when the step was due (the hand-over plus its delay): `smsDeliveryTime` is the
 * carrier's receipt time, not the time a late clock got round to it.
 * `smsSendingAttemptsCount` counts attempts, so a step that ran twice would show.
 */
export function applyDeliveryStep(
  m: Message,
  index: number,
  step: DeliveryStep,
  channel: Channel,
  stepTime: number,
): void {
  const recipient = m.to[index]
  if (!recipient) return
  recipient.messageStatus = step.status
  if (channel === 'Fax' && step.errorCode) recipient.faxErrorCode = step.errorCode
  m.messageStatus = overallStatus(m.to.map((p) => p.messageStatus ?? 'Queued'))
  if (step.errorCode) m.extra.deliveryErrorCode = step.errorCode
  if (channel === 'SMS') {
    if (step.attempt) m.extra.smsSendingAttemptsCount = (m.extra.smsSendingAttemptsCount ?? 0) + 1
    if (m.messageStatus === 'Delivered' && m.extra.smsDeliveryTime === undefined) {
      m.extra.smsDeliveryTime = new Date(stepTime).toISOString()
    }
  }
}
