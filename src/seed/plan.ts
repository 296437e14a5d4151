import type { Party } from '../domain/message/model.js'
import type { AttachmentDraft } from '../storage/repositories/messages.js'

/** What a seed writes, decided before any row is generated (seed-store.ts) and sent to the generator (row-generator.ts). */

export type SeedKind = 'SMS' | 'MMS' | 'VoiceMail' | 'Fax'

/** An attachment that every seeded message of its kind may point at: an API message's attachment, its `extra` column written once. */
export interface Payload extends AttachmentDraft {
  /** The `attachments.extra` column. */
  extraJson: string
}

export interface Payloads {
  texts: { text: string; payload: Payload }[]
  images: Payload[]
  recordings: Payload[]
  faxes: (Payload & { pages: number })[]
}

/** One outside number a mailbox exchanges messages with, and their SMS conversation. */
export interface Contact {
  party: Party
  partyJson: string
  conversationId: number
  participants: string
  /** `party_digits` of a message from this contact to the mailbox, and the other way. */
  inboundDigits: string
  outboundDigits: string
}

export interface PlannedMailbox {
  accountId: string
  extensionId: string
  party: Party
  partyJson: string
  contacts: Contact[]
  /** The mailbox's change sequence before seeding. */
  changeSeq: number
}

/** Everything needed to generate the rows; plain data, so it can be sent to a worker. */
export interface SeedPlan {
  mailboxes: PlannedMailbox[]
  payloads: Payloads
  now: number
  /** Creation times lie in [now - span, now]. */
  span: number
  total: number
  batchSize: number
  /** The first free message and attachment ids. */
  nextMessageId: number
  nextAttachmentId: number
}
