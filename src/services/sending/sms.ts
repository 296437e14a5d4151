import { conversationIdOf } from '../../domain/message/conversation.js'
import type { Message, Party } from '../../domain/message/model.js'
import { storeAttachments, textFile } from './attachments.js'
import { storeCopies } from './copies.js'
import { startDeliveries } from './delivery.js'
import { type Envelope, type IncomingFile, readFromNumber, readText, readToNumbers } from './envelope.js'
import { checkMmsAttachments } from './mms.js'
import { textNumber } from './number-rules.js'
import { internalOwners, resolvePhoneRecipients, routeOf } from './recipients.js'
import type { Sender } from './sender.js'
import type { SendingDeps } from './service.js'

/** createSMSMessage: text of at most 1000 UTF-16 units. */
export const SMS_TEXT_MAX = 1000
/** A group message reaches at most 10 numbers (the sending guides' samples). */
export const SMS_MAX_RECIPIENTS = 10

/**
 * Sends an SMS, or an MMS when files come with it (`/sms` in multipart form and
 * `/mms`). The sender's Outbound copy answers `Queued`; each enabled extension of the
 * account owning a recipient number gets its Inbound copy, `Received`, in the same
 * transaction and the same conversation (one per set of numbers, so a reply joins
 * it); every recipient's delivery starts in that transaction too.
 */
export async function sendSms(
  deps: SendingDeps,
  sender: Sender,
  envelope: Envelope,
  files: IncomingFile[],
): Promise<Message> {
  const from = readFromNumber(envelope)
  textNumber(sender, from, files.length > 0)
  const to = readToNumbers(envelope, SMS_MAX_RECIPIENTS).map((r) => r.phoneNumber)
  const media = files.length > 0 ? checkMmsAttachments(files) : []
  const text = readText(envelope, SMS_TEXT_MAX, media.length === 0)

  const recipients = await resolvePhoneRecipients(deps.db, sender.accountId, to, { texts: true })
  const attachments = await storeAttachments(deps.blobs, [
    ...(text === undefined ? [] : [textFile(text)]),
    ...media,
  ])
  const participants = [from, ...to]
  const conversationId = conversationIdOf(sender.accountId, participants)
  const fromParty: Party = { phoneNumber: from, name: sender.name }
  const toParties = recipients.map((r): Party => ({ phoneNumber: r.phoneNumber, name: r.owner?.name }))
  const common = {
    accountId: sender.accountId,
    type: 'SMS' as const,
    availability: 'Alive' as const,
    priority: 'Normal' as const,
    subject: text,
    from: fromParty,
    conversationId,
    participants,
    attachments,
  }

  const owners = internalOwners(recipients)
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const outbound = (await storeCopies(
      trx,
      {
        accountId: sender.accountId,
        outbound: {
          ...common,
          extensionId: sender.extensionId,
          direction: 'Outbound',
          readStatus: 'Read',
          messageStatus: 'Queued',
          to: toParties.map((p) => ({ ...p, messageStatus: 'Queued' })),
          creationTime: now,
          extra: {},
        },
        inbound: owners.map((owner) => ({
          ...common,
          extensionId: owner.extensionId,
          direction: 'Inbound',
          readStatus: 'Unread',
          messageStatus: 'Received',
          to: toParties,
          creationTime: now,
          extra: {},
        })),
      },
      now,
    ))!
    await startDeliveries(trx, outbound, recipients.map(routeOf), 'SMS', now)
    return outbound
  })
}
