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
import type { Contact, Payload, PlannedMailbox, SeedKind, SeedPlan } from './plan.js'
import { type Cell, encodeAttachment, encodeMessage, type RowBatch, StringCodes } from './row-codec.js'

/** A message the generator has decided on (row-generator.ts), not yet a row. */
export interface Draft {
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

/** A seeded record is about 800 bytes. */
const RECORD_BYTES_GUESS = 1024

/**
 * Turns drafts into a batch of rows: message and attachment ids and change sequence
 * numbers given in order, each conversation stored once, records rendered into one
 * buffer, cells encoded for the trip to the writing thread (row-codec.ts).
 */
export class DraftRows {
  private readonly seqs: number[]
  private readonly storedConversations = new Set<number>()
  private readonly codes = new StringCodes()
  private nextMessageId: number
  private nextAttachmentId: number

  constructor(plan: SeedPlan) {
    this.seqs = plan.mailboxes.map((m) => m.changeSeq)
    this.nextMessageId = plan.nextMessageId
    this.nextAttachmentId = plan.nextAttachmentId
  }

  rows(drafts: Draft[]): RowBatch {
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
