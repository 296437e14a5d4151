import type { Kysely } from 'kysely'
import { errors } from '../../domain/errors.js'
import {
  companyNumbersOf,
  extensionNumberAttributes,
  type NumberType,
  type PhoneNumberAttributes,
} from '../../domain/phone-number.js'
import type { Principal } from '../../domain/principal.js'
import type { DB } from '../../storage/schema.js'
import { resolveAccount } from '../mailbox-access.js'

/** The extension a message is sent as, and what it may send from. */
export interface Sender {
  accountId: string
  extensionId: string
  extensionNumber: string
  name: string
  /** The extension's own numbers, in a stable order (the first is its fax number). */
  phoneNumbers: string[]
  /** The account's main number: a fax goes out from it when the extension has none. */
  mainNumber?: string
  mainNumberType?: NumberType
  /** What each number may do: the extension's own, then the company numbers it texts for. */
  numbers: PhoneNumberAttributes[]
}

/**
 * The sender of `POST …/account/{accountId}/extension/{extensionId}/{sms,fax,…}`: only
 * the caller itself. Unlike reading a mailbox, sending as another extension is closed
 * even to a SuperAdmin (RingCentral's SMS guide says so), so the path must name the
 * caller, by `~` or by its id.
 */
export async function resolveSender(
  db: Kysely<DB>,
  principal: Principal,
  accountParam: string,
  extensionParam: string,
): Promise<Sender> {
  const accountId = resolveAccount(principal, accountParam)
  if (extensionParam !== '~' && extensionParam !== principal.extensionId) throw errors.anotherExtension()
  const extension = await db
    .selectFrom('extensions')
    .innerJoin('accounts', 'accounts.id', 'extensions.account_id')
    .select([
      'extensions.extension_number',
      'extensions.name',
      'accounts.main_number',
      'accounts.company_numbers',
    ])
    .where('extensions.id', '=', principal.extensionId)
    .where('extensions.account_id', '=', accountId)
    .executeTakeFirst()
  if (!extension) throw errors.notFound('extensionId')
  const numbers = await db
    .selectFrom('phone_numbers')
    .select(['phone_number', 'features', 'number_type', 'usage_type'])
    .where('account_id', '=', accountId)
    .where('extension_id', '=', principal.extensionId)
    .orderBy('phone_number')
    .execute()
  const company = companyNumbersOf(extension)
  return {
    accountId,
    extensionId: principal.extensionId,
    extensionNumber: extension.extension_number,
    name: extension.name,
    phoneNumbers: numbers.map((n) => n.phone_number),
    mainNumber: extension.main_number ?? undefined,
    mainNumberType: company.find((n) => n.usageType === 'MainCompanyNumber')?.type,
    numbers: [
      ...numbers.map(extensionNumberAttributes),
      ...company.filter((n) => n.smsExtensionId === principal.extensionId),
    ],
  }
}
