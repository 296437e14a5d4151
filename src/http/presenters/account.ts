import { accountPath, dictionaryPath } from '../../domain/uris.js'
import type { AccountRow, ExtensionRow, NumberRow } from '../../services/account-directory.js'

/**
 * The account, extension and phone number bodies of RingCentral's account API
 * (GetAccountInfoResponse, GetExtensionInfoResponse, PhoneNumberInfo). Fields msgstore
 * has no notion of carry what a fresh RingCentral account in the United States shows;
 * docs/account-api.md lists them.
 */

/** Ids are integers in RingCentral's bodies; one too long for a JSON number stays a string. */
export function idValue(id: string): number | string {
  const n = Number(id)
  return Number.isSafeInteger(n) ? n : id
}

const dictionary = (base: string, kind: string, id: string) => `${base}${dictionaryPath(kind, id)}`

function unitedStates(base: string) {
  return {
    id: '1',
    uri: dictionary(base, 'country', '1'),
    name: 'United States',
    isoCode: 'US',
    callingCode: '1',
  }
}

/** A fresh account's regional settings: United States, Pacific time, US English, 12-hour clock. */
export function regionalSettings(base: string) {
  const english = { id: '1033', name: 'English (United States)', localeCode: 'en-US' }
  return {
    homeCountry: unitedStates(base),
    timezone: {
      id: '58',
      uri: dictionary(base, 'timezone', '58'),
      name: 'US/Pacific',
      description: 'Pacific Time (US & Canada)',
      bias: '-480',
    },
    language: { ...english, uri: dictionary(base, 'language', '1033') },
    greetingLanguage: english,
    formattingLocale: english,
    timeFormat: '12h',
  }
}

const accountUri = (base: string, accountId: string) => `${base}${accountPath(accountId)}`

export function presentAccount(account: AccountRow, base: string) {
  const uri = accountUri(base, account.id)
  return {
    uri,
    id: idValue(account.id),
    serviceInfo: {
      uri: `${uri}/service-info`,
      brand: {
        id: '1210',
        name: 'RingCentral',
        homeCountry: { id: '1', uri: dictionary(base, 'country', '1') },
      },
      servicePlan: { id: '0', name: 'msgstore', edition: 'Standard' },
      contractedCountry: { id: '1', uri: dictionary(base, 'country', '1') },
    },
    ...(account.mainNumber ? { mainNumber: account.mainNumber } : {}),
    status: 'Confirmed',
    setupWizardState: 'Completed',
    signupInfo: { signupState: ['AccountConfirmed'] },
    statusInfo: {},
    regionalSettings: regionalSettings(base),
    federated: false,
    companyName: account.name,
  }
}

function extensionUri(base: string, accountId: string, extensionId: string): string {
  return `${accountUri(base, accountId)}/extension/${extensionId}`
}

/** The contact RingCentral keeps per extension; msgstore knows the name, split at its first space. */
function contactOf(extension: ExtensionRow, companyName?: string) {
  const space = extension.name.indexOf(' ')
  const firstName = space < 0 ? extension.name : extension.name.slice(0, space)
  const lastName = space < 0 ? '' : extension.name.slice(space + 1)
  return {
    firstName,
    lastName,
    ...(companyName ? { company: companyName } : {}),
    pronouncedName: { type: 'Default' },
    emailAsLoginName: false,
  }
}

/** An extension as a list shows it (GetExtensionListInfoResponse). */
export function presentExtensionSummary(extension: ExtensionRow, base: string) {
  const uri = extensionUri(base, extension.accountId, extension.id)
  return {
    uri,
    id: idValue(extension.id),
    extensionNumber: extension.extensionNumber,
    contact: contactOf(extension),
    name: extension.name,
    type: extension.type,
    status: extension.status,
    permissions: {
      admin: { enabled: extension.role === 'SuperAdmin' },
      internationalCalling: { enabled: false },
    },
    profileImage: { uri: `${uri}/profile-image` },
    hidden: false,
  }
}

/** One extension (GetExtensionInfoResponse). */
export function presentExtension(extension: ExtensionRow, account: AccountRow, base: string) {
  return {
    ...presentExtensionSummary(extension, base),
    contact: contactOf(extension, account.name),
    account: { uri: accountUri(base, account.id), id: idValue(account.id) },
    regionalSettings: regionalSettings(base),
    setupWizardState: 'Completed',
  }
}

const TOLL_FREE = /^\+1(800|833|844|855|866|877|888)/

/** A phone number (PhoneNumberInfo); its id is its digits, which no other number shares. */
export function presentNumber(number: NumberRow, accountId: string, base: string) {
  const id = number.phoneNumber.slice(1)
  return {
    uri: `${accountUri(base, accountId)}/phone-number/${id}`,
    id: idValue(id),
    phoneNumber: number.phoneNumber,
    paymentType: TOLL_FREE.test(number.phoneNumber) ? 'TollFree' : 'Local',
    type: number.type,
    usageType: number.usageType,
    features: number.features,
    status: 'Normal',
    ...(number.phoneNumber.startsWith('+1') ? { country: unitedStates(base) } : {}),
    ...(number.extension
      ? {
          extension: {
            id: idValue(number.extension.id),
            uri: extensionUri(base, accountId, number.extension.id),
            extensionNumber: number.extension.extensionNumber,
          },
        }
      : {}),
  }
}
