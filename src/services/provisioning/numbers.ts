import type { Transaction } from 'kysely'
import { errors } from '../../domain/errors.js'
import {
  type CompanyNumber,
  companyNumbersOf,
  defaultCompanyFeatures,
  type NumberType,
  type PhoneFeature,
} from '../../domain/phone-number.js'
import { type AccountSpec, type NumberSpec, numberOf } from '../../domain/provisioning-file.js'
import type { DB } from '../../storage/schema.js'

/**
 * The phone numbers of a provisioning file: an extension's own numbers with their
 * features, and the account's company numbers with the extension that texts for them.
 * A number belongs to one owner in the whole store, whichever of the three kinds
 * (direct number, main number, company number) it is.
 */

/** The account, if any, whose company numbers (main number aside) include `number`. */
export async function companyNumberOwner(trx: Transaction<DB>, number: string): Promise<string | undefined> {
  // The JSON spells numbers as `"phoneNumber":"+1…"`; E.164 has no character LIKE treats specially.
  const rows = await trx
    .selectFrom('accounts')
    .select(['id', 'main_number', 'company_numbers'])
    .where('company_numbers', 'like', `%"phoneNumber":"${number}"%`)
    .execute()
  return rows.find((row) => companyNumbersOf(row).some((n) => n.phoneNumber === number))?.id
}

/** Replaces an extension's numbers with those of the file, in either form. */
export async function applyExtensionNumbers(
  trx: Transaction<DB>,
  accountId: string,
  extensionId: string,
  specs: (string | NumberSpec)[],
  at: string,
): Promise<void> {
  for (const [i, spec] of specs.entries()) {
    const number = numberOf(spec)
    const owner = await trx
      .selectFrom('phone_numbers')
      .select('extension_id')
      .where('phone_number', '=', number)
      .executeTakeFirst()
    const main = await trx
      .selectFrom('accounts')
      .select('id')
      .where('main_number', '=', number)
      .executeTakeFirst()
    if ((owner && owner.extension_id !== extensionId) || main || (await companyNumberOwner(trx, number))) {
      throw errors.invalidValue(
        `${at}.phoneNumbers[${i}]`,
        `number ${number} already belongs to another owner`,
      )
    }
  }
  await trx
    .deleteFrom('phone_numbers')
    .where('account_id', '=', accountId)
    .where('extension_id', '=', extensionId)
    .execute()
  for (const spec of specs) {
    const attributes = typeof spec === 'string' ? undefined : spec
    await trx
      .insertInto('phone_numbers')
      .values({
        phone_number: numberOf(spec),
        account_id: accountId,
        extension_id: extensionId,
        features: attributes?.features ? JSON.stringify(attributes.features) : null,
        number_type: attributes?.type ?? null,
        usage_type: attributes?.usageType ?? null,
      })
      .execute()
  }
}

/**
 * Writes the account's company numbers: the main number's settings when the file gives
 * them as an object, and `companyNumbers` when the file has them. What the file leaves
 * out stays as it was, so applying a file twice changes nothing.
 */
export async function applyCompanyNumbers(
  trx: Transaction<DB>,
  accountId: string,
  spec: AccountSpec,
  at: string,
  idsByNumber: Map<string, string>,
): Promise<void> {
  if (spec.mainNumber === undefined && spec.companyNumbers === undefined) return
  const row = await trx
    .selectFrom('accounts')
    .select(['main_number', 'company_numbers'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  const previous = row.company_numbers ? (JSON.parse(row.company_numbers) as CompanyNumber[]) : []
  const smsExtensionId = async (extensionNumber: string | undefined, field: string) => {
    if (extensionNumber === undefined) return undefined
    const known = idsByNumber.get(extensionNumber)
    if (known) return known
    const found = await trx
      .selectFrom('extensions')
      .select(['id', 'type'])
      .where('account_id', '=', accountId)
      .where('extension_number', '=', extensionNumber)
      .executeTakeFirst()
    if (!found)
      throw errors.invalidValue(`${field}.smsExtension`, `no extension ${extensionNumber} in this account`)
    if (found.type === 'Department')
      throw errors.invalidValue(`${field}.smsExtension`, 'a department cannot send SMS')
    return found.id
  }
  const build = async (
    n: { phoneNumber: string; type?: string; features?: string[]; smsExtension?: string },
    usageType: CompanyNumber['usageType'],
    field: string,
  ): Promise<CompanyNumber> => {
    const owner = await smsExtensionId(n.smsExtension, field)
    return {
      phoneNumber: n.phoneNumber,
      usageType,
      type: (n.type as NumberType | undefined) ?? 'VoiceFax',
      features: (n.features as PhoneFeature[] | undefined) ?? defaultCompanyFeatures(owner !== undefined),
      ...(owner === undefined ? {} : { smsExtensionId: owner }),
    }
  }

  const mainNumber = row.main_number
  let main = previous.find((n) => n.usageType === 'MainCompanyNumber' && n.phoneNumber === mainNumber)
  if (typeof spec.mainNumber === 'string') main = undefined
  else if (spec.mainNumber) main = await build(spec.mainNumber, 'MainCompanyNumber', `${at}.mainNumber`)
  let others = previous.filter((n) => n.usageType !== 'MainCompanyNumber' && n.phoneNumber !== mainNumber)
  if (spec.companyNumbers) {
    others = []
    for (const [i, n] of spec.companyNumbers.entries()) {
      const field = `${at}.companyNumbers[${i}]`
      const taken = await trx
        .selectFrom('phone_numbers')
        .select('account_id')
        .where('phone_number', '=', n.phoneNumber)
        .executeTakeFirst()
      const mainOf = await trx
        .selectFrom('accounts')
        .select('id')
        .where('main_number', '=', n.phoneNumber)
        .executeTakeFirst()
      const companyOf = await companyNumberOwner(trx, n.phoneNumber)
      if (taken || mainOf || (companyOf && companyOf !== accountId)) {
        throw errors.invalidValue(
          `${field}.phoneNumber`,
          `number ${n.phoneNumber} already belongs to another owner`,
        )
      }
      others.push(
        await build(n, (n.usageType as CompanyNumber['usageType'] | undefined) ?? 'CompanyNumber', field),
      )
    }
  }
  const numbers = [...(main ? [main] : []), ...others]
  await trx
    .updateTable('accounts')
    .set({ company_numbers: numbers.length > 0 ? JSON.stringify(numbers) : null })
    .where('accounts.id', '=', accountId)
    .execute()
}
