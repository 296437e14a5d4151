import type { Channel, DeliveryStep } from '../domain/message/delivery.js'

/**
 * The carrier simulator: what happens, on the store's clock, to an outbound message
 * after msgstore hands it over for one recipient. It is a table, not a process: a
 * delivery is a fixed list of steps, each due a fixed time after the hand-over, and
 * each step runs as one transactional job (`deliveryStepJob` in src/services/sending/delivery.ts). A
 * plan is recomputed from (route, channel, number) by every step, so a job needs no
 * more state than its step index and the hand-over time, and a restart resumes it.
 */

export type { Channel, DeliveryStep }

/**
 * Where one recipient of a message is served: by the simulated public network
 * (`carrier`), inside the store (`internal`: the recipient's Inbound copy is already
 * written), or nowhere (`dropped`: a Disabled or Frozen extension's number, whose
 * message RingCentral keeps only in the sender's mailbox).
 */
export type Route = 'carrier' | 'internal' | 'dropped'

const SECOND = 1000
const MINUTE = 60 * SECOND

/**
 * The reserved recipients of the operator interface, one failure path each, for SMS,
 * MMS and fax alike. Every other outside number is delivered.
 */
const RESERVED: Record<string, Record<Channel, DeliveryStep[]>> = {
  // Refused by the upstream gateway: never sent.
  '+15005550001': {
    SMS: [{ afterMs: 2 * SECOND, status: 'SendingFailed', attempt: true, errorCode: 'SMS-UP-410' }],
    Fax: [{ afterMs: 5 * SECOND, status: 'SendingFailed', errorCode: 'InvalidNumber' }],
  },
  // Sent, then the recipient's carrier reports it undeliverable.
  '+15005550002': {
    SMS: [
      { afterMs: 2 * SECOND, status: 'Sent', attempt: true },
      { afterMs: 6 * SECOND, status: 'DeliveryFailed', errorCode: 'SMS-CAR-412' },
    ],
    Fax: [
      { afterMs: 5 * SECOND, status: 'Sent' },
      { afterMs: 10 * SECOND, status: 'DeliveryFailed', errorCode: 'NoAnswer' },
    ],
  },
  // A slow gateway: Queued until the clock has moved 10 minutes past the hand-over.
  '+15005550003': {
    SMS: [{ afterMs: 10 * MINUTE, status: 'Sent', attempt: true }],
    Fax: [{ afterMs: 10 * MINUTE, status: 'Sent' }],
  },
}

/** Any other outside number: a few seconds per step, all well within 5 minutes. */
const DELIVERED: Record<Channel, DeliveryStep[]> = {
  SMS: [
    { afterMs: 2 * SECOND, status: 'Sent', attempt: true },
    { afterMs: 5 * SECOND, status: 'Delivered' },
  ],
  Fax: [{ afterMs: 5 * SECOND, status: 'Sent' }],
}

/**
 * Inside the account the recipient's copy is written with the send itself, and so is
 * this step, due at the hand-over (it runs in the send's transaction, see
 * services/sending/delivery.ts): the send still answers `Queued`, as it does wherever
 * the recipient is, and the sender's copy is `Delivered` (`Sent` for a fax) by the
 * time anyone can read it.
 */
const INTERNAL: Record<Channel, DeliveryStep[]> = {
  SMS: [{ afterMs: 0, status: 'Delivered', attempt: true }],
  Fax: [{ afterMs: 0, status: 'Sent' }],
}

const DROPPED: Record<Channel, DeliveryStep[]> = {
  SMS: [{ afterMs: 0, status: 'SendingFailed', attempt: true, errorCode: 'SMS-RC-410' }],
  Fax: [{ afterMs: 0, status: 'SendingFailed', errorCode: 'NotAccepted' }],
}

/** The steps one recipient's delivery goes through. */
export function deliveryPlan(route: Route, channel: Channel, phoneNumber: string): DeliveryStep[] {
  if (route === 'internal') return INTERNAL[channel]
  if (route === 'dropped') return DROPPED[channel]
  return RESERVED[phoneNumber]?.[channel] ?? DELIVERED[channel]
}

/** The numbers the simulator treats specially (for documentation and tests). */
export const RESERVED_NUMBERS = Object.keys(RESERVED)
