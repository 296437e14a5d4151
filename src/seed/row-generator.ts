import type { MessageExtra, ReadStatus } from '../domain/message/model.js'
import { INBOX_FAX_VOICEMAIL_CAP, SENT_FAX_MAX_AGE, TEXT_FOLDER_CAP } from '../domain/message/retention.js'
import { type Draft, DraftRows } from './draft-rows.js'
import type { SeedKind, SeedPlan } from './plan.js'
import type { RowBatch } from './row-codec.js'

/**
 * The rows of `msgstore seed`, generated without touching the database so that a
 * worker thread can build them while the main thread writes the previous batch.
 * Here each message is decided (its mailbox, kind, time, folder and state, as a draft);
 * draft-rows.ts gives the drafts their ids and change sequence numbers and encodes them.
 * The writer checks, inside each batch's transaction, that the store still stands
 * where the plan says (see batch-pipeline.ts).
 */

const DAY = 24 * 60 * 60 * 1000
const random = Math.random
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!

const EMPTY_EXTRA = '{}'
const VOICEMAIL_EXTRA: MessageExtra = { vmTranscriptionStatus: 'NotAvailable' }
const VOICEMAIL_EXTRA_JSON = JSON.stringify(VOICEMAIL_EXTRA)

/**
 * What a message is, with its share of the mix and the capped folder it lands in.
 * The store caps some folders (see domain/message/retention.ts): a mailbox gets no
 * more messages of a folder than its cap allows (less a margin), so that a seeded
 * store is one the retention sweep leaves alone.
 */
interface Category {
  kind: SeedKind
  inbound: boolean
  share: number
  folder?: Folder
}
type Folder = 'textInbox' | 'textSent' | 'faxVoicemailInbox'
const FOLDER_BUDGETS: Record<Folder, number> = {
  textInbox: TEXT_FOLDER_CAP - 100,
  textSent: TEXT_FOLDER_CAP - 100,
  faxVoicemailInbox: INBOX_FAX_VOICEMAIL_CAP - 20,
}
const CATEGORIES: Category[] = [
  { kind: 'SMS', inbound: true, share: 0.275, folder: 'textInbox' },
  { kind: 'SMS', inbound: false, share: 0.275, folder: 'textSent' },
  { kind: 'MMS', inbound: true, share: 0.05, folder: 'textInbox' },
  { kind: 'MMS', inbound: false, share: 0.05, folder: 'textSent' },
  { kind: 'VoiceMail', inbound: true, share: 0.2, folder: 'faxVoicemailInbox' },
  { kind: 'Fax', inbound: true, share: 0.09, folder: 'faxVoicemailInbox' },
  // Sent faxes have no count cap but are removed at 30 days: seeded ones are younger.
  { kind: 'Fax', inbound: false, share: 0.06 },
]
const SENT_FAX = CATEGORIES.length - 1
const FALLBACK = 1 // a sent SMS

/**
 * Generates the plan's messages batch after batch.
 *
 * Every mailbox gets a share of the messages (some users are busier than others),
 * spread evenly with jitter over the window. Mailboxes are taken in groups whose
 * messages are interleaved in creation-time order: a mailbox's messages lie
 * scattered among other mailboxes' rows as in a store filled live, while one
 * transaction touches few mailboxes, which keeps index writes local. Within a
 * mailbox, ids and change sequence numbers grow with creation time.
 */
export class RowGenerator {
  private readonly counts: number[]
  private readonly groupSize: number
  private readonly faxExtras: { extra: MessageExtra; json: string }[]
  /** Per mailbox: messages still to generate, and what each capped folder may still take. */
  private readonly left: number[]
  private readonly budgets: Record<Folder, number>[]
  /** Per mailbox: `to_parties` of its outbound messages (by contact) and of its inbound ones. */
  private readonly toJson: { outbound: string[]; inbound: string }[]
  private queue: { mailbox: number; time: number }[] = []
  private position = 0
  private nextMailbox = 0
  private readonly rows: DraftRows
  private generated = 0

  constructor(private readonly plan: SeedPlan) {
    this.counts = shares(plan.total, plan.mailboxes.length)
    // About a hundred messages per mailbox and transaction.
    this.groupSize = Math.max(1, Math.min(64, Math.round(plan.batchSize / 100)))
    this.faxExtras = plan.payloads.faxes.map((fax) => {
      const extra: MessageExtra = { faxResolution: 'High', faxPageCount: fax.pages }
      return { extra, json: JSON.stringify(extra) }
    })
    // Built once: a string made anew for every row would be hashed anew by the string table.
    this.toJson = plan.mailboxes.map((m) => ({
      outbound: m.contacts.map((c) => `[${c.partyJson}]`),
      inbound: `[${m.partyJson}]`,
    }))
    this.left = [...this.counts]
    this.budgets = plan.mailboxes.map(() => ({ ...FOLDER_BUDGETS }))
    this.rows = new DraftRows(plan)
  }

  /** The next batch, or undefined when every message is out. */
  next(): RowBatch | undefined {
    const count = Math.min(this.plan.batchSize, this.plan.total - this.generated)
    if (count <= 0) return undefined
    this.generated += count
    const drafts: Draft[] = new Array(count)
    for (let i = 0; i < count; i++) {
      while (this.position >= this.queue.length) this.fillQueue()
      const { mailbox, time } = this.queue[this.position++]!
      drafts[i] = this.draft(mailbox, time)
    }
    return this.rows.rows(drafts)
  }

  /** The next group of mailboxes' messages, in creation-time order. */
  private fillQueue(): void {
    const { mailboxes, now, span } = this.plan
    if (this.nextMailbox >= mailboxes.length) throw new Error('seed: no messages left to generate')
    const queue: { mailbox: number; time: number }[] = []
    const start = now - span
    const end = Math.min(this.nextMailbox + this.groupSize, mailboxes.length)
    for (let m = this.nextMailbox; m < end; m++) {
      const count = this.counts[m]!
      const step = span / count
      for (let j = 0; j < count; j++) {
        queue.push({ mailbox: m, time: Math.min(now, Math.floor(start + (j + random()) * step)) })
      }
    }
    queue.sort((a, b) => a.time - b.time)
    this.nextMailbox = end
    this.queue = queue
    this.position = 0
  }

  private draft(mailboxIndex: number, creationTime: number): Draft {
    const mailbox = this.plan.mailboxes[mailboxIndex]!
    const { kind, inbound } = CATEGORIES[this.category(mailboxIndex, creationTime)]!
    // A few favourite correspondents get most of the messages.
    const contactIndex = Math.floor(random() * random() * mailbox.contacts.length)
    const contact = mailbox.contacts[contactIndex]!
    const d: Draft = {
      mailbox,
      mailboxIndex,
      kind,
      type: kind === 'MMS' ? 'SMS' : kind,
      direction: inbound ? 'Inbound' : 'Outbound',
      readStatus: inbound ? this.readStatus(creationTime) : 'Read',
      messageStatus: inbound ? 'Received' : 'Sent',
      from: inbound ? contact.party : mailbox.party,
      to: [inbound ? mailbox.party : contact.party],
      fromJson: inbound ? contact.partyJson : mailbox.partyJson,
      toJson: inbound
        ? this.toJson[mailboxIndex]!.inbound
        : this.toJson[mailboxIndex]!.outbound[contactIndex]!,
      digits: inbound ? contact.inboundDigits : contact.outboundDigits,
      creationTime,
      lastModifiedTime: creationTime,
      extra: {},
      extraJson: EMPTY_EXTRA,
      extraOnce: false,
      attachments: [],
    }
    const { payloads } = this.plan
    if (kind === 'SMS' || kind === 'MMS') {
      d.contact = contact
      const text = kind === 'SMS' || random() < 0.6 ? pick(payloads.texts) : undefined
      if (text) {
        d.subject = text.text
        d.attachments.push(text.payload)
      }
      if (kind === 'MMS') d.attachments.push(pick(payloads.images))
      if (!inbound) this.delivery(d)
    } else if (kind === 'VoiceMail') {
      d.attachments.push(pick(payloads.recordings))
      d.extra = VOICEMAIL_EXTRA
      d.extraJson = VOICEMAIL_EXTRA_JSON
    } else {
      const fax = Math.floor(random() * payloads.faxes.length)
      d.attachments.push(payloads.faxes[fax]!)
      d.extra = this.faxExtras[fax]!.extra
      d.extraJson = this.faxExtras[fax]!.json
      if (inbound) d.subject = contact.party.phoneNumber
    }
    if (inbound && d.readStatus === 'Read') {
      // Read some time after it arrived.
      d.lastModifiedTime = Math.min(this.plan.now, creationTime + Math.floor(random() * 2 * 60 * 60 * 1000))
    }
    return d
  }

  /** Picks a category by share, each capped folder limited to what its budget can still take. */
  private category(mailbox: number, creationTime: number): number {
    const left = this.left[mailbox]!--
    const budgets = this.budgets[mailbox]!
    const weights = CATEGORIES.map((c) =>
      c.folder ? Math.max(0, Math.min(c.share, budgets[c.folder] / left)) : c.share,
    )
    if (this.plan.now - creationTime > SENT_FAX_MAX_AGE - DAY) weights[SENT_FAX] = 0
    const total = weights.reduce((a, b) => a + b, 0)
    // Every folder full (far more messages than a mailbox holds): the store's sweep will trim them.
    let chosen = FALLBACK
    let roll = random() * total
    for (let i = 0; i < weights.length; i++) {
      if (weights[i]! <= 0) continue
      chosen = i
      roll -= weights[i]!
      if (roll < 0) break
    }
    const folder = CATEGORIES[chosen]!.folder
    if (folder) budgets[folder]--
    return chosen
  }

  /** Recent messages are often unread, old ones rarely. */
  private readStatus(creationTime: number): ReadStatus {
    const age = this.plan.now - creationTime
    const unread = age < DAY ? 0.7 : age < 3 * DAY ? 0.4 : age < 7 * DAY ? 0.15 : 0.03
    return random() < unread ? 'Unread' : 'Read'
  }

  /** The carrier's answer to an outbound SMS: mostly delivered, a few failures. */
  private delivery(d: Draft): void {
    const roll = random()
    if (roll < 0.96) {
      const deliveredAt = Math.min(this.plan.now, d.creationTime + 1000 + Math.floor(random() * 8000))
      d.messageStatus = 'Delivered'
      d.extra = { smsDeliveryTime: new Date(deliveredAt).toISOString(), smsSendingAttemptsCount: 1 }
      d.extraOnce = true
      d.lastModifiedTime = deliveredAt
    } else if (roll < 0.985) {
      d.messageStatus = 'Sent'
      d.extra = { smsSendingAttemptsCount: 1 }
    } else {
      d.messageStatus = 'DeliveryFailed'
      d.extra = { smsSendingAttemptsCount: 1, deliveryErrorCode: 'SMS-CAR-411' }
    }
    d.extraJson = JSON.stringify(d.extra)
  }

  /** Ids, change sequence numbers and rendered records for a batch of drafts. */
}

/** `total` split over `count` mailboxes in uneven shares (weights 0.5 to 1.5) that add up exactly. */
function shares(total: number, count: number): number[] {
  const weights = Array.from({ length: count }, () => 0.5 + random())
  const sum = weights.reduce((a, b) => a + b, 0)
  const out = weights.map((w) => Math.floor((total * w) / sum))
  let left = total - out.reduce((a, b) => a + b, 0)
  for (let i = 0; left > 0; i = (i + 1) % count, left--) out[i]!++
  return out
}
