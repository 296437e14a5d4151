import { errors } from '../../domain/errors.js'
import type { Message, Party } from '../../domain/message/model.js'
import { attachmentDraftsOf, loadMessage } from '../../storage/repositories/message-status.js'
import { type Envelope, readToNumbers } from './envelope.js'
import { createFax, FAX_MAX_RECIPIENTS, integer, readFaxOptions } from './fax.js'
import { faxNumber } from './number-rules.js'
import type { Sender } from './sender.js'
import type { SendingDeps } from './service.js'

/**
 * createFaxMessage in its JSON form: re-sends a fax of the sender's own whose sending
 * failed, or forwards any of them to new recipients (`to`), with its documents.
 */
export async function resendFax(deps: SendingDeps, sender: Sender, envelope: Envelope): Promise<Message> {
  const id = integer(envelope.originalMessageId)
  if (id === undefined) throw errors.required('originalMessageId')
  const original = await loadMessage(deps.db, sender, id)
  if (
    !original ||
    original.type !== 'Fax' ||
    original.direction !== 'Outbound' ||
    original.availability !== 'Alive'
  ) {
    throw errors.notFound('originalMessageId', 400)
  }
  const forward = envelope.to !== undefined
  if (!forward && original.messageStatus !== 'SendingFailed' && original.messageStatus !== 'DeliveryFailed') {
    throw errors.faxResendNotAllowed()
  }
  const to = forward
    ? readToNumbers(envelope, FAX_MAX_RECIPIENTS).map(
        (t): Party => ({ phoneNumber: t.phoneNumber, name: t.name }),
      )
    : original.to.map((p): Party => ({ phoneNumber: p.phoneNumber, name: p.name }))
  const options = readFaxOptions({ ...envelope, to: to.map((p) => ({ phoneNumber: p.phoneNumber })) })
  const attachments = await attachmentDraftsOf(deps.db, original.accountId, original.id)
  const { faxResolution, faxPageCount, coverIndex, coverPageText } = original.extra
  return createFax(
    deps,
    sender,
    original.from ?? { phoneNumber: faxNumber(sender), name: sender.name },
    to,
    { faxResolution, faxPageCount, coverIndex, coverPageText },
    attachments,
    options.sendTime,
  )
}
