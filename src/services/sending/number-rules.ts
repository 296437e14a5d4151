import { errors } from '../../domain/errors.js'
import { canFax, canText, type PhoneNumberAttributes } from '../../domain/phone-number.js'
import type { Sender } from './sender.js'

/**
 * Which of the sender's numbers a message may go out from, as RingCentral decides it:
 * a text needs a number the extension owns (or a company number it texts for) with
 * `SmsSender` (`MmsSender` with media); a fax needs a number that is not `VoiceOnly`.
 * Codes from the errors guide's messaging table.
 */

/** The number a text goes out from, checked; `withMedia` for an MMS. */
export function textNumber(sender: Sender, from: string, withMedia: boolean): PhoneNumberAttributes {
  const number = sender.numbers.find((n) => n.phoneNumber === from)
  if (!number) throw errors.phoneNotOwned('from.phoneNumber')
  if (number.type === 'FaxOnly') throw errors.smsFromFaxNumber()
  if (!canText(number, withMedia)) throw errors.smsNotAvailable(withMedia ? 'MMS' : 'SMS')
  return number
}

/**
 * A fax goes out from the extension's first number that can fax (its outbound fax
 * number); an extension without numbers faxes from the company's main number.
 */
export function faxNumber(sender: Sender): string {
  const own = sender.numbers.filter(
    (n) => n.usageType !== 'MainCompanyNumber' && sender.phoneNumbers.includes(n.phoneNumber),
  )
  if (own.length > 0) {
    const fax = own.find((n) => canFax(n.type))
    if (!fax) throw errors.faxNotAllowed(sender.extensionId)
    return fax.phoneNumber
  }
  if (!sender.mainNumber) throw errors.noSenderNumber()
  if (!canFax(sender.mainNumberType ?? 'VoiceFax')) throw errors.faxNotAllowed(sender.extensionId)
  return sender.mainNumber
}
