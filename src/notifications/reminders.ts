import type { EventBody } from './events.js'
import type { EventFilter } from './filters.js'

/**
 * Renewal reminders: a subscription whose filters include
 * `/restapi/v1.0/subscription/~?threshold=S&interval=S` is told, once it has `threshold`
 * seconds or fewer left, that it is about to expire, and again every `interval` seconds
 * until it is renewed (a renewal starts the count afresh) or expires. Times are the
 * store's clock, so a manual clock moved past the threshold brings the reminder.
 */

export type ReminderFilter = Extract<EventFilter, { kind: 'reminder' }>

/** How often (real time) a node looks for reminders that are due: the guides call the times approximate. */
export const REMINDER_CHECK_MS = 1000

/** The subscription's reminder filter, if it has one. */
export function reminderOf(filters: EventFilter[]): ReminderFilter | undefined {
  return filters.find((f): f is ReminderFilter => f.kind === 'reminder')
}

/** Whether a reminder is due now. `remindedAt` is the last one sent since the last renewal. */
export function reminderDue(
  filter: ReminderFilter,
  expiresAt: number,
  remindedAt: number | null | undefined,
  now: number,
): boolean {
  if (now >= expiresAt || expiresAt - now > filter.threshold * 1000) return false
  return remindedAt === null || remindedAt === undefined || now - remindedAt >= filter.interval * 1000
}

/** The reminder event: its body is the subscription as `GET /subscription/{id}` answers it. */
export function reminderEvent(filter: ReminderFilter, info: Record<string, unknown>, now: number): EventBody {
  return { event: filter.text, body: info, at: now }
}
