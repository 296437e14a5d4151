import type {
  Attachment,
  Direction,
  Message,
  MessageExtra,
  MessageStatus,
  MessageType,
  Party,
  ReadStatus,
} from '../domain/message/model.js'
import { renderRecordText } from '../domain/message/record.js'
import { INBOX_FAX_VOICEMAIL_CAP, SENT_FAX_MAX_AGE, TEXT_FOLDER_CAP } from '../domain/message/retention.js'
import type { Contact, Payload, PlannedMailbox, SeedKind, SeedPlan } from './plan.js'
import { type Cell, encodeAttachment, encodeMessage, type RowBatch, StringCodes } from './row-codec.js'

/**
 * The rows of `msgstore seed`, generated without touching the database so that a
 * worker thread can build them while the main thread writes the previous batch.
 * Everything a row holds is decided here, ids and change sequence numbers
 * included: the writer checks, inside each batch's transaction, that the store
 * still stands where the plan says (see seed-store.ts).
 */

interface Draft {
  mailbox: PlannedMailbox
  mailboxIndex: number
  kind: SeedKind
  type: MessageType
  direction: Direction
  readStatus: ReadStatus
  messageStatus: MessageStatus
  subject?: string
  from: Party
  to: Party[]
  fromJson: string
  toJson: string
  digits: string
  contact?: Contact
  creationTime: number
  lastModifiedTime: number
  extra: MessageExtra
  extraJson: string
  /** `extraJson` is one of a kind (see MESSAGE_KIND). */
  extraOnce: boolean
  attachments: Payload[]
}

const DAY = 24 * 60 * 60 * 1000
const random = Math.random
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!

const EMPTY_EXTRA = '{}'
/** A seeded record is about 800 bytes. */
const RECORD_BYTES_GUESS = 1024
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
  private readonly seqs: number[]
  /** Per mailbox: messages still to generate, and what each capped folder may still take. */
  private readonly left: number[]
  private readonly budgets: Record<Folder, number>[]
  private readonly storedConversations = new Set<number>()
  private readonly codes = new StringCodes()
  /** Per mailbox: `to_parties` of its outbound messages (by contact) and of its inbound ones. */
  private readonly toJson: { outbound: string[]; inbound: string }[]
  private queue: { mailbox: number; time: number }[] = []
  private position = 0
  private nextMailbox = 0
  private nextMessageId: number
  private nextAttachmentId: number
  private generated = 0

  constructor(private readonly plan: SeedPlan) {
    this.counts = shares(plan.total, plan.mailboxes.length)
    // About a hundred messages per mailbox and transaction.
    this.groupSize = Math.max(1, Math.min(64, Math.round(plan.batchSize / 100)))
    this.faxExtras = plan.payloads.faxes.map((fax) => {
      const extra: MessageExtra = { faxResolution: 'High', faxPageCount: fax.pages }
      return { extra, json: JSON.stringify(extra) }
    })
    this.seqs = plan.mailboxes.map((m) => m.changeSeq)
    // Built once: a string made anew for every row would be hashed anew by the string table.
    this.toJson = plan.mailboxes.map((m) => ({
      outbound: m.contacts.map((c) => `[${c.partyJson}]`),
      inbound: `[${m.partyJson}]`,
    }))
    this.left = [...this.counts]
    this.budgets = plan.mailboxes.map(() => ({ ...FOLDER_BUDGETS }))
    this.nextMessageId = plan.nextMessageId
    this.nextAttachmentId = plan.nextAttachmentId
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
    return this.rows(drafts)
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
  private rows(drafts: Draft[]): RowBatch {
    const firstMessageId = this.nextMessageId
    const firstAttachmentId = this.nextAttachmentId
    const messageCells: number[] = []
    const attachmentCells: number[] = []
    // The records go straight into one buffer of its own (not a slice of Node's pool), so
    // that it can be transferred to the writing thread: no buffer per record.
    let records = Buffer.allocUnsafeSlow(drafts.length * RECORD_BYTES_GUESS)
    const recordEnds = new Uint32Array(drafts.length)
    let recordBytes = 0
    const conversations: RowBatch['conversations'] = []
    const changes = new Map<number, { extensionId: string; before: number; added: number }>()
    const byKind: Record<SeedKind, number> = { SMS: 0, MMS: 0, VoiceMail: 0, Fax: 0 }
    drafts.forEach((d, i) => {
      const { accountId, extensionId } = d.mailbox
      const id = this.nextMessageId++
      const index = d.mailboxIndex
      let change = changes.get(index)
      if (!change) {
        change = { extensionId, before: this.seqs[index]!, added: 0 }
        changes.set(index, change)
      }
      change.added++
      const seq = ++this.seqs[index]!
      byKind[d.kind]++
      const conversationId = d.contact?.conversationId
      if (d.contact && conversationId !== undefined && !this.storedConversations.has(conversationId)) {
        this.storedConversations.add(conversationId)
        conversations.push({
          id: conversationId,
          accountId,
          participants: d.contact.participants,
          createdAt: d.creationTime,
        })
      }
      const attachments = d.attachments.map((p, position): Attachment => {
        const a: Attachment = {
          id: this.nextAttachmentId++,
          type: p.type,
          contentType: p.contentType,
          size: p.size,
        }
        if (p.fileName !== undefined) a.fileName = p.fileName
        if (p.vmDuration !== undefined) a.vmDuration = p.vmDuration
        if (p.width !== undefined) a.width = p.width
        if (p.height !== undefined) a.height = p.height
        const row = [
          a.id,
          id,
          accountId,
          position,
          p.type,
          p.contentType,
          p.fileName ?? null,
          p.size,
          p.blobKey,
          p.extraJson,
        ]
        encodeAttachment(row, this.codes, attachmentCells)
        return a
      })
      const message: Message = {
        id,
        accountId,
        extensionId,
        type: d.type,
        direction: d.direction,
        availability: 'Alive',
        readStatus: d.readStatus,
        messageStatus: d.messageStatus,
        priority: 'Normal',
        subject: d.subject,
        from: d.from,
        to: d.to,
        conversationId,
        creationTime: d.creationTime,
        lastModifiedTime: d.lastModifiedTime,
        extra: d.extra,
        attachments,
      }
      const record = renderRecordText(message)
      // At most 3 bytes of UTF-8 per UTF-16 unit: past that, Buffer.write would cut the text short.
      if (recordBytes + record.length * 3 > records.length) {
        const larger = Buffer.allocUnsafeSlow(Math.max(2 * records.length, recordBytes + record.length * 3))
        records.copy(larger, 0, 0, recordBytes)
        records = larger
      }
      recordBytes += records.write(record, recordBytes)
      recordEnds[i] = recordBytes
      const row: Cell[] = [
        id,
        accountId,
        extensionId,
        d.type,
        d.direction,
        'Alive',
        d.readStatus,
        d.messageStatus,
      ]
      row.push('Normal', d.subject ?? null, d.fromJson, d.toJson, d.digits, conversationId ?? null)
      row.push(d.creationTime, d.lastModifiedTime, seq, d.extraJson)
      encodeMessage(row, this.codes, messageCells, d.extraOnce)
    })
    return {
      messages: drafts.length,
      firstMessageId,
      attachments: this.nextAttachmentId - firstAttachmentId,
      firstAttachmentId,
      strings: this.codes.takeFresh(),
      onceStrings: this.codes.takeOnce(),
      messageCells: Float64Array.from(messageCells),
      records: new Uint8Array(records.buffer, records.byteOffset, recordBytes),
      recordEnds,
      attachmentCells: Float64Array.from(attachmentCells),
      conversations,
      changes: [...changes.values()],
      byKind,
    }
  }
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
