import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import type { BlobStore, StoredBlob } from '../blobs/blob-store.js'
import type { Clock } from '../domain/clock.js'
import { errors } from '../domain/errors.js'
import { conversationIdOf } from '../domain/message/conversation.js'
import type { AttachmentType, MessageExtra, MessageType } from '../domain/message/model.js'
import { parseIsoDate } from '../lib/iso.js'
import { toE164 } from '../lib/phone.js'
import { type AttachmentDraft, insertMessage } from '../storage/repositories/messages.js'
import type { DB } from '../storage/schema.js'
import { requireAccount } from './mailbox-access.js'
import { companyTextOwners } from './sending/recipients.js'

export const INBOUND_TYPES = ['SMS', 'MMS', 'VoiceMail', 'Fax'] as const
type InboundType = (typeof INBOUND_TYPES)[number]

/** One attachment of an inbound message: its bytes arrive either inline (base64) or as a stream. */
export interface InboundFileMeta {
  contentType: string
  fileName?: string
  vmDuration?: number
  width?: number
  height?: number
}

export type InboundFile = InboundFileMeta & ({ body: Buffer | Readable } | { stored: StoredBlob })

export interface InboundRequest {
  type: InboundType
  from: string
  to: string[]
  text?: string
  subject?: string
  creationTime?: number
  faxPageCount?: number
}

const invalid = errors.invalidValue

/** Checks the JSON fields of an admin inbound call; attachments are read separately. */
export function parseInboundFields(input: unknown): InboundRequest & { attachments: unknown[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid('body', 'expected a JSON object')
  const body = input as Record<string, unknown>
  if (!INBOUND_TYPES.includes(body.type as InboundType))
    throw invalid('type', `expected one of ${INBOUND_TYPES.join(', ')}`)
  if (typeof body.from !== 'string' || !toE164(body.from)) throw invalid('from', 'expected a phone number')
  const toList = typeof body.to === 'string' ? [body.to] : body.to
  if (!Array.isArray(toList) || toList.length === 0) throw invalid('to', 'expected a list of phone numbers')
  const to = toList.map((n, i) => {
    const e164 = typeof n === 'string' ? toE164(n) : undefined
    if (!e164) throw invalid(`to[${i}]`, 'expected a phone number')
    return e164
  })
  for (const name of ['text', 'subject'] as const) {
    if (body[name] !== undefined && typeof body[name] !== 'string') throw invalid(name, 'expected a string')
  }
  let creationTime: number | undefined
  if (body.creationTime !== undefined) {
    creationTime = typeof body.creationTime === 'string' ? parseIsoDate(body.creationTime) : undefined
    if (creationTime === undefined) throw invalid('creationTime', 'expected an ISO 8601 date-time')
  }
  const pages = body.faxPageCount
  if (pages !== undefined && (!Number.isInteger(pages) || (pages as number) < 0)) {
    throw invalid('faxPageCount', 'expected a non-negative integer')
  }
  const attachments = body.attachments ?? []
  if (!Array.isArray(attachments)) throw invalid('attachments', 'expected a list')
  if (body.type === 'SMS' && typeof body.text !== 'string') throw invalid('text', 'an SMS needs text')
  return {
    type: body.type as InboundType,
    from: toE164(body.from)!,
    to: [...new Set(to)],
    text: body.text as string | undefined,
    subject: body.subject as string | undefined,
    creationTime,
    faxPageCount: pages as number | undefined,
    attachments,
  }
}

/** Reads the attachment entries of a JSON inbound call (inline base64 bytes). */
export function parseInlineAttachments(list: unknown[]): InboundFile[] {
  return list.map((item, i) => {
    const at = `attachments[${i}]`
    if (typeof item !== 'object' || item === null) throw invalid(at, 'expected an object')
    const a = item as Record<string, unknown>
    if (typeof a.base64 !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(a.base64.replace(/\s/g, ''))) {
      throw invalid(`${at}.base64`, 'expected base64 bytes')
    }
    return { ...attachmentMeta(a, at), body: Buffer.from(a.base64, 'base64') }
  })
}

/** Content type, file name and media details of one attachment entry. */
export function attachmentMeta(a: Record<string, unknown>, at: string): InboundFileMeta {
  if (
    a.contentType !== undefined &&
    (typeof a.contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(a.contentType))
  ) {
    throw invalid(`${at}.contentType`, 'expected a media type')
  }
  if (a.fileName !== undefined && typeof a.fileName !== 'string')
    throw invalid(`${at}.fileName`, 'expected a string')
  for (const name of ['vmDuration', 'width', 'height'] as const) {
    const v = a[name]
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 0)) {
      throw invalid(`${at}.${name}`, 'expected a non-negative integer')
    }
  }
  return {
    contentType: (a.contentType as string | undefined) ?? 'application/octet-stream',
    fileName: a.fileName as string | undefined,
    vmDuration: a.vmDuration as number | undefined,
    width: a.width as number | undefined,
    height: a.height as number | undefined,
  }
}

const ATTACHMENT_TYPE: Record<InboundType, AttachmentType> = {
  SMS: 'MmsAttachment',
  MMS: 'MmsAttachment',
  VoiceMail: 'AudioRecording',
  Fax: 'RenderedDocument',
}

export class InboundService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
  ) {}

  /** Lands a message from the public network in the mailbox of every extension owning a `to` number. */
  async receive(accountId: string, req: InboundRequest, files: InboundFile[]) {
    await requireAccount(this.db, accountId)
    const owners = await this.db
      .selectFrom('phone_numbers')
      .innerJoin('extensions', (join) =>
        join
          .onRef('extensions.account_id', '=', 'phone_numbers.account_id')
          .onRef('extensions.id', '=', 'phone_numbers.extension_id'),
      )
      .select(['phone_numbers.phone_number', 'extensions.id', 'extensions.name'])
      .where('phone_numbers.account_id', '=', accountId)
      .where('phone_numbers.phone_number', 'in', req.to)
      .execute()
    // Texts to a company number land in the mailbox of the extension that texts for it.
    const unowned = req.to.some((n) => !owners.some((o) => o.phone_number === n))
    if (unowned && (req.type === 'SMS' || req.type === 'MMS')) {
      for (const [number, owner] of await companyTextOwners(this.db, accountId)) {
        if (req.to.includes(number) && !owners.some((o) => o.phone_number === number))
          owners.push({ phone_number: number, id: owner.id, name: owner.name })
      }
    }
    const unknown = req.to.find((n) => !owners.some((o) => o.phone_number === n))
    if (unknown) throw errors.unknownRecipient(unknown)

    const attachments: AttachmentDraft[] = []
    if (req.text !== undefined && (req.type === 'SMS' || req.type === 'MMS')) {
      const stored = await this.blobs.put(Buffer.from(req.text, 'utf8'))
      attachments.push({ type: 'Text', contentType: 'text/plain', size: stored.size, blobKey: stored.key })
    }
    for (const file of files) {
      const stored = 'stored' in file ? file.stored : await this.blobs.put(file.body)
      attachments.push({
        type: ATTACHMENT_TYPE[req.type],
        contentType: file.contentType,
        fileName: file.fileName,
        size: stored.size,
        blobKey: stored.key,
        vmDuration: file.vmDuration,
        width: file.width,
        height: file.height,
      })
    }

    const now = this.clock.now()
    const type: MessageType = req.type === 'MMS' ? 'SMS' : req.type
    const extra: MessageExtra = {}
    if (type === 'VoiceMail') extra.vmTranscriptionStatus = 'NotAvailable'
    if (type === 'Fax') {
      extra.faxPageCount = req.faxPageCount ?? 1
      extra.faxResolution = 'High'
    }
    const to = req.to.map((n) => {
      const owner = owners.find((o) => o.phone_number === n)!
      return { phoneNumber: n, name: owner.name }
    })
    const conversationId = type === 'SMS' ? conversationIdOf(accountId, [req.from, ...req.to]) : undefined
    const recipients = [...new Set(owners.map((o) => o.id))]
    const subject = req.subject ?? (type === 'SMS' ? req.text : undefined)
    return this.db.transaction().execute(async (trx) => {
      const messages = []
      for (const extensionId of recipients) {
        const m = await insertMessage(
          trx,
          {
            accountId,
            extensionId,
            type,
            direction: 'Inbound',
            availability: 'Alive',
            readStatus: 'Unread',
            messageStatus: 'Received',
            priority: 'Normal',
            subject,
            from: { phoneNumber: req.from },
            to,
            conversationId,
            participants: conversationId ? [req.from, ...req.to] : undefined,
            creationTime: req.creationTime ?? now,
            extra,
            attachments,
          },
          now,
        )
        messages.push({ id: m.id, extensionId })
      }
      return messages
    })
  }
}
