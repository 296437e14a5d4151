import { errors } from '../errors.js'
import type { Direction, MessageType } from './model.js'

/**
 * The message store's retention rules (the "Account Data Retention" tables of the
 * message store exports guide). A message a rule catches is removed for good, by its
 * creationTime, oldest first.
 *
 * | Data                          | Duration                    | Count                      |
 * |-------------------------------|-----------------------------|----------------------------|
 * | Inbox (Fax / Voice Messages)  | 30 days for HIPAA accounts  | 200 per mailbox            |
 * | Sent (Fax Messages)           | 30 days                     | —                          |
 * | Outbox (Fax Messages)         | n/a                         | n/a                        |
 * | Text Messages (SMS/MMS)       | no limit                    | 5,000 per folder, per user |
 *
 * plus the account's `retentionPeriod` (7 to 90 days; faxes and voicemail only, any
 * folder), when set. The 30-day rules hold whatever `retentionPeriod` says.
 *
 * Folders: Inbox holds Alive inbound messages; Outbox, Alive outbound ones not sent
 * (Queued, or SendingFailed, which stays there to be resent); Sent, the other Alive
 * outbound ones; Deleted, Deleted ones. Purged messages are in no folder (they are
 * removed soon anyway). MMS are stored as SMS, so "text messages" are the SMS type.
 */

const DAY = 24 * 60 * 60 * 1000

export const INBOX_FAX_VOICEMAIL_CAP = 200
export const TEXT_FOLDER_CAP = 5000
export const SENT_FAX_MAX_AGE = 30 * DAY
export const HIPAA_INBOX_MAX_AGE = 30 * DAY
export const RETENTION_PERIOD_MIN = 7
export const RETENTION_PERIOD_MAX = 90
export const OUTBOX_STATUSES = ['Queued', 'SendingFailed'] as const

/** The age-limited types: one index each (see migration 0004). */
export type AgedType = Extract<MessageType, 'Fax' | 'VoiceMail'>

/** Messages of one type and direction in an account older than `maxAge` are removed. */
export interface AgeRule {
  type: AgedType
  direction: Direction
  /** Statuses the rule spares (the Outbox, for the sent-fax rule). */
  spare?: readonly string[]
  maxAge: number
}

export interface AccountRetention {
  hipaa: boolean
  /** Days; null when the account has not set one. */
  retentionPeriod: number | null
}

export function ageRules(account: AccountRetention): AgeRule[] {
  const rules: AgeRule[] = [
    { type: 'Fax', direction: 'Outbound', spare: OUTBOX_STATUSES, maxAge: SENT_FAX_MAX_AGE },
  ]
  if (account.hipaa) {
    rules.push({ type: 'Fax', direction: 'Inbound', maxAge: HIPAA_INBOX_MAX_AGE })
    rules.push({ type: 'VoiceMail', direction: 'Inbound', maxAge: HIPAA_INBOX_MAX_AGE })
  }
  if (account.retentionPeriod !== null) {
    const maxAge = account.retentionPeriod * DAY
    for (const type of ['Fax', 'VoiceMail'] as const) {
      for (const direction of ['Inbound', 'Outbound'] as const) rules.push({ type, direction, maxAge })
    }
  }
  return rules
}

/** A folder whose message count is capped: the messages it holds, oldest removed first. */
export interface CappedFolder {
  name: string
  types: MessageType[]
  availability: 'Alive' | 'Deleted'
  direction?: Direction
  /** Outbox (true) or Sent (false); undefined: either. */
  outbox?: boolean
  cap: number
}

/** The counts of the table above; an operator may choose others (`--text-folder-cap`, `--fax-voicemail-inbox-cap`). */
export interface MailboxCaps {
  /** Faxes and voice messages in an Inbox. */
  faxVoicemailInbox: number
  /** Text messages in each folder. */
  textFolder: number
}

export const RINGCENTRAL_CAPS: MailboxCaps = {
  faxVoicemailInbox: INBOX_FAX_VOICEMAIL_CAP,
  textFolder: TEXT_FOLDER_CAP,
}

export function cappedFolders(caps: MailboxCaps): CappedFolder[] {
  return [
    {
      name: 'Inbox (Fax / Voice Messages)',
      types: ['Fax', 'VoiceMail'],
      availability: 'Alive',
      direction: 'Inbound',
      cap: caps.faxVoicemailInbox,
    },
    { name: 'Text Inbox', types: ['SMS'], availability: 'Alive', direction: 'Inbound', cap: caps.textFolder },
    {
      name: 'Text Outbox',
      types: ['SMS'],
      availability: 'Alive',
      direction: 'Outbound',
      outbox: true,
      cap: caps.textFolder,
    },
    {
      name: 'Text Sent',
      types: ['SMS'],
      availability: 'Alive',
      direction: 'Outbound',
      outbox: false,
      cap: caps.textFolder,
    },
    { name: 'Text Deleted', types: ['SMS'], availability: 'Deleted', cap: caps.textFolder },
  ]
}

/**
 * `retentionPeriod` of a message store configuration: an integer number of days from
 * 7 to 90. A string ("30"), a fraction, null or anything out of range is a 400.
 */
export function parseRetentionPeriod(body: unknown): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.invalidRetentionPeriod()
  const value = (body as Record<string, unknown>).retentionPeriod
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < RETENTION_PERIOD_MIN ||
    value > RETENTION_PERIOD_MAX
  ) {
    throw errors.invalidRetentionPeriod()
  }
  return value
}
