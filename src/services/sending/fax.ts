import type { Transaction } from 'kysely'
import { errors } from '../../domain/errors.js'
import type { Message, MessageExtra, Party } from '../../domain/message/model.js'
import { enqueue, type JobDefinition, jobKind } from '../../jobs/job.js'
import { parseIsoDate } from '../../lib/iso.js'
import { canLockRows } from '../../storage/dialects/row-locks.js'
import { payloadMailbox } from '../../storage/repositories/mailbox-key.js'
import { attachmentDraftsOf, loadMessage } from '../../storage/repositories/message-status.js'
import type { AttachmentDraft } from '../../storage/repositories/messages.js'
import type { DB } from '../../storage/schema.js'
import { type CheckedFile, storeAttachments } from './attachments.js'
import { storeCopies } from './copies.js'
import { renderCoverPage } from './cover-page.js'
import { startDeliveries } from './delivery.js'
import { type Envelope, type IncomingFile, type NumberRecipient, readToNumbers } from './envelope.js'
import { checkFaxDocuments } from './fax-documents.js'
import { faxNumber } from './number-rules.js'
import { internalOwners, resolvePhoneRecipients, routeOf } from './recipients.js'
import type { Sender } from './sender.js'
import type { SendingDeps } from './service.js'

interface FaxDispatchPayload {
  /** Absent in jobs enqueued before migration 0006 (see payloadMailbox). */
  accountId?: string
  extensionId: string
  messageId: number
}

/**
 * A scheduled fax (`sendTime` in the future), sent when the store's clock reaches it:
 * the recipients' copies and the start of each delivery, in the job's transaction.
 */
export const FAX_DISPATCH = jobKind<FaxDispatchPayload>('fax.dispatch')

export function faxDispatchJob(): JobDefinition<FaxDispatchPayload> {
  return {
    kind: FAX_DISPATCH,
    transactional: true,
    handle: (payload, ctx) => dispatchScheduledFax(ctx.db, payload, ctx.now),
  }
}

export const FAX_MAX_RECIPIENTS = 50
const COVER_TEXT_MAX = 1024
const RESOLUTIONS = ['High', 'Low'] as const
/** When `coverIndex` is left out, the default cover page of the outbound fax settings is attached. */
const DEFAULT_COVER_INDEX = 1

export interface FaxOptions {
  to: NumberRecipient[]
  faxResolution: (typeof RESOLUTIONS)[number]
  coverIndex: number
  coverPageText?: string
  /** Absent: send now. */
  sendTime?: number
}

/** The fields of createFaxMessage, from the JSON part or from form fields (strings). */
export function readFaxOptions(envelope: Envelope): FaxOptions {
  const to = readToNumbers(envelope, FAX_MAX_RECIPIENTS)
  const resolution = envelope.faxResolution ?? 'Low'
  const faxResolution = RESOLUTIONS.find(
    (r) => typeof resolution === 'string' && r.toLowerCase() === resolution.toLowerCase(),
  )
  if (!faxResolution)
    throw errors.invalidParameter('faxResolution', `Allowed values: ${RESOLUTIONS.join(', ')}.`)
  const coverIndex = integer(envelope.coverIndex ?? DEFAULT_COVER_INDEX)
  if (coverIndex === undefined || coverIndex < 0 || coverIndex > 13) {
    throw errors.invalidParameter('coverIndex', 'An integer from 0 (no cover page) to 13.')
  }
  const text = envelope.coverPageText
  if (text !== undefined && text !== null && typeof text !== 'string')
    throw errors.invalidParameter('coverPageText')
  if (typeof text === 'string' && text.length > COVER_TEXT_MAX) {
    throw errors.invalidParameter('coverPageText', `At most ${COVER_TEXT_MAX} characters.`)
  }
  let sendTime: number | undefined
  if (envelope.sendTime !== undefined && envelope.sendTime !== null && envelope.sendTime !== '') {
    sendTime = typeof envelope.sendTime === 'string' ? parseIsoDate(envelope.sendTime) : undefined
    if (sendTime === undefined)
      throw errors.invalidParameter('sendTime', 'An ISO 8601 date-time is expected.')
  }
  const iso = envelope.isoCode
  if (iso !== undefined && (typeof iso !== 'string' || !/^[A-Za-z]{2}$/.test(iso))) {
    throw errors.invalidParameter('isoCode', 'A two-letter ISO 3166 country code is expected.')
  }
  return { to, faxResolution, coverIndex, coverPageText: text || undefined, sendTime }
}

export function integer(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined
}

/**
 * Sends a fax: documents counted (faxPageCount is their real page count, plus the
 * cover page unless `coverIndex` is 0), stored, and the sender's copy `Queued`.
 * Sent now, or, with a future `sendTime`, by a job when the store's clock reaches it.
 */
export async function sendFax(
  deps: SendingDeps,
  sender: Sender,
  envelope: Envelope,
  files: IncomingFile[],
): Promise<Message> {
  const options = readFaxOptions(envelope)
  const fromNumber = faxNumber(sender)
  const withCover = options.coverIndex !== 0
  const documents = await checkFaxDocuments(files, withCover ? 1 : 0)
  const documentPages = documents.reduce((sum, d) => sum + d.pages, 0)
  const recipients = await resolvePhoneRecipients(
    deps.db,
    sender.accountId,
    options.to.map((t) => t.phoneNumber),
  )
  const to = options.to.map((t, i) => ({
    phoneNumber: t.phoneNumber,
    name: t.name ?? recipients[i]?.owner?.name,
  }))
  const rendered: CheckedFile[] = []
  if (withCover) {
    const cover = await renderCoverPage({
      coverIndex: options.coverIndex,
      from: { name: sender.name, phoneNumber: fromNumber },
      to,
      text: options.coverPageText,
      documentPages,
      date: deps.clock.now(),
    })
    rendered.push({
      type: 'RenderedDocument',
      contentType: 'application/pdf',
      fileName: 'cover.pdf',
      body: cover,
    })
  }
  rendered.push(...documents)
  const attachments = await storeAttachments(deps.blobs, rendered)
  const extra: MessageExtra = {
    faxResolution: options.faxResolution,
    faxPageCount: documentPages + (withCover ? 1 : 0),
    coverIndex: options.coverIndex,
    coverPageText: options.coverPageText,
  }
  return createFax(
    deps,
    sender,
    { phoneNumber: fromNumber, name: sender.name },
    to,
    extra,
    attachments,
    options.sendTime,
  )
}

/** Writes the sender's copy; dispatches it now, or schedules the dispatch. */
export async function createFax(
  deps: SendingDeps,
  sender: Sender,
  from: Party,
  to: Party[],
  extra: MessageExtra,
  attachments: AttachmentDraft[],
  sendTime: number | undefined,
): Promise<Message> {
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const immediate = sendTime === undefined || sendTime <= now
    // A fax sent now also writes its recipients' copies (dispatchFax): they are locked with the sender's.
    const recipientsNow =
      immediate && canLockRows(trx)
        ? internalOwners(
            await resolvePhoneRecipients(
              trx,
              sender.accountId,
              to.map((p) => p.phoneNumber ?? ''),
            ),
          ).map((o) => o.extensionId)
        : []
    const fax = (await storeCopies(
      trx,
      {
        accountId: sender.accountId,
        outbound: {
          accountId: sender.accountId,
          extensionId: sender.extensionId,
          type: 'Fax',
          direction: 'Outbound',
          availability: 'Alive',
          readStatus: 'Read',
          messageStatus: 'Queued',
          priority: 'Normal',
          from,
          to: to.map((p) => ({ ...p, messageStatus: 'Queued' })),
          creationTime: now,
          extra,
          attachments,
        },
        inbound: [],
        alsoWrites: recipientsNow,
      },
      now,
    ))!
    if (!immediate) {
      await enqueue(
        trx,
        FAX_DISPATCH,
        { accountId: fax.accountId, extensionId: fax.extensionId, messageId: fax.id },
        sendTime,
      )
    } else {
      await dispatchFax(trx, fax, attachments, now)
    }
    return fax
  })
}

/**
 * Sends a stored fax: each enabled extension of the account owning a recipient
 * number gets its Inbound copy, with the same documents (shared blobs) and the same
 * faxPageCount; every recipient's delivery starts.
 */
export async function dispatchFax(
  trx: Transaction<DB>,
  fax: Message,
  attachments: AttachmentDraft[],
  now: number,
): Promise<void> {
  const numbers = fax.to.map((p) => p.phoneNumber ?? '')
  const recipients = await resolvePhoneRecipients(trx, fax.accountId, numbers)
  const owners = internalOwners(recipients)
  await storeCopies(
    trx,
    {
      accountId: fax.accountId,
      inbound: owners.map((owner) => ({
        accountId: fax.accountId,
        extensionId: owner.extensionId,
        type: 'Fax',
        direction: 'Inbound',
        availability: 'Alive',
        readStatus: 'Unread',
        messageStatus: 'Received',
        priority: 'Normal',
        from: fax.from,
        to: recipients
          .filter((r) => r.owner?.extensionId === owner.extensionId)
          .map((r) => ({ phoneNumber: r.phoneNumber, name: owner.name })),
        creationTime: now,
        extra: { faxResolution: fax.extra.faxResolution, faxPageCount: fax.extra.faxPageCount },
        attachments,
      })),
      alsoWrites: [fax.extensionId],
    },
    now,
  )
  await startDeliveries(trx, fax, recipients.map(routeOf), 'Fax', now)
}

/**
 * The job of a scheduled fax, when the clock reaches its `sendTime`. A fax deleted
 * before then is cancelled, as the sending-faxes guide says.
 */
export async function dispatchScheduledFax(
  trx: Transaction<DB>,
  payload: FaxDispatchPayload,
  now: number,
): Promise<void> {
  const mailbox = await payloadMailbox(trx, payload)
  const fax = mailbox && (await loadMessage(trx, mailbox, payload.messageId))
  if (!fax || fax.availability !== 'Alive') return
  await dispatchFax(trx, fax, await attachmentDraftsOf(trx, fax.accountId, fax.id), now)
}
