/**
 * What a phone number of the store is and may do, in RingCentral's terms
 * (`PhoneNumberInfo`: `type`, `usageType`, `features`).
 */

export const PHONE_FEATURES = [
  'CallerId',
  'SmsSender',
  'A2PSmsSender',
  'MmsSender',
  'InternationalSmsSender',
  'Delegated',
] as const
export type PhoneFeature = (typeof PHONE_FEATURES)[number]

export const NUMBER_TYPES = ['VoiceFax', 'VoiceOnly', 'FaxOnly'] as const
export type NumberType = (typeof NUMBER_TYPES)[number]

/** Usage types an extension's own number may have. */
export const EXTENSION_USAGE_TYPES = ['DirectNumber', 'ContactCenterNumber', 'ForwardedNumber'] as const
/** Usage types of a company number other than the main one. */
export const COMPANY_USAGE_TYPES = ['CompanyNumber', 'AdditionalCompanyNumber', 'CompanyFaxNumber'] as const
export type UsageType =
  | (typeof EXTENSION_USAGE_TYPES)[number]
  | (typeof COMPANY_USAGE_TYPES)[number]
  | 'MainCompanyNumber'

/** A user's direct number on a fresh RingCentral account: texts, pictures, caller id, faxes. */
export const DIRECT_NUMBER_FEATURES: readonly PhoneFeature[] = [
  'SmsSender',
  'MmsSender',
  'CallerId',
  'InternationalSmsSender',
]
/**
 * A company number without features of its own: caller id, and texts once an extension
 * is named to send and receive them (RingCentral enables SMS on company numbers per
 * number; msgstore enables it where someone is there to send).
 */
export function defaultCompanyFeatures(hasSmsExtension: boolean): PhoneFeature[] {
  return hasSmsExtension ? ['CallerId', 'SmsSender', 'MmsSender'] : ['CallerId']
}

/** A number with everything the API shows about it. */
export interface PhoneNumberAttributes {
  phoneNumber: string
  type: NumberType
  usageType: UsageType
  features: PhoneFeature[]
}

/** A company number as the account row keeps it (`accounts.company_numbers`). */
export interface CompanyNumber {
  phoneNumber: string
  usageType: 'MainCompanyNumber' | (typeof COMPANY_USAGE_TYPES)[number]
  type: NumberType
  features: PhoneFeature[]
  /** The extension that sends and receives SMS for the number, if one is named. */
  smsExtensionId?: string
}

/** Reads `phone_numbers` columns, null meaning a direct number's defaults. */
export function extensionNumberAttributes(row: {
  phone_number: string
  features: string | null
  number_type: string | null
  usage_type: string | null
}): PhoneNumberAttributes {
  return {
    phoneNumber: row.phone_number,
    type: (row.number_type as NumberType | null) ?? 'VoiceFax',
    usageType: (row.usage_type as UsageType | null) ?? 'DirectNumber',
    features: row.features ? (JSON.parse(row.features) as PhoneFeature[]) : [...DIRECT_NUMBER_FEATURES],
  }
}

/**
 * The account's company numbers: those stored, and the main number with defaults when
 * the store has nothing about it (accounts provisioned before company numbers existed).
 */
export function companyNumbersOf(account: {
  main_number: string | null
  company_numbers: string | null
}): CompanyNumber[] {
  const stored = account.company_numbers ? (JSON.parse(account.company_numbers) as CompanyNumber[]) : []
  if (account.main_number && !stored.some((n) => n.phoneNumber === account.main_number)) {
    stored.unshift({
      phoneNumber: account.main_number,
      usageType: 'MainCompanyNumber',
      type: 'VoiceFax',
      features: defaultCompanyFeatures(false),
    })
  }
  return stored
}

/** Whether a number may send a fax. */
export function canFax(type: NumberType): boolean {
  return type !== 'VoiceOnly'
}

/** Whether a number may send texts; FaxOnly numbers never do, whatever their features. */
export function canText(number: PhoneNumberAttributes, withMedia: boolean): boolean {
  if (number.type === 'FaxOnly') return false
  return number.features.includes(withMedia ? 'MmsSender' : 'SmsSender')
}
