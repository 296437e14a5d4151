import { Kind, type Static, Type as T, type TSchema, type TUnion } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { isE164 } from '../lib/phone.js'
import { errors } from './errors.js'
import { COMPANY_USAGE_TYPES, EXTENSION_USAGE_TYPES, NUMBER_TYPES, PHONE_FEATURES } from './phone-number.js'

/** The provisioning file of the operator interface, validated whole before anything is applied. */

const Digits = T.String({ pattern: '^[0-9]{1,18}$' })
const E164 = T.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })

const literals = (values: readonly string[]) => T.Union(values.map((v) => T.Literal(v)))
const ExtensionNumber = T.String({ pattern: '^[0-9]{1,8}$' })
const numberFields = {
  phoneNumber: E164,
  type: T.Optional(literals(NUMBER_TYPES)),
  features: T.Optional(T.Array(literals(PHONE_FEATURES), { uniqueItems: true })),
}

/** An extension's number with what it may do; the plain string form means a direct number's defaults. */
const NumberSpec = T.Object(
  { ...numberFields, usageType: T.Optional(literals(EXTENSION_USAGE_TYPES)) },
  { additionalProperties: false },
)
/** A company number, and the extension (by extension number) that sends and receives its SMS. */
const CompanyNumberSpec = T.Object(
  {
    ...numberFields,
    usageType: T.Optional(literals(COMPANY_USAGE_TYPES)),
    smsExtension: T.Optional(ExtensionNumber),
  },
  { additionalProperties: false },
)
const MainNumberSpec = T.Object(
  { ...numberFields, smsExtension: T.Optional(ExtensionNumber) },
  { additionalProperties: false },
)

const ExtensionSpec = T.Object(
  {
    id: T.Optional(Digits),
    extensionNumber: T.String({ pattern: '^[0-9]{1,8}$' }),
    name: T.String({ minLength: 1, maxLength: 200 }),
    type: T.Optional(T.Union([T.Literal('User'), T.Literal('Department')])),
    role: T.Optional(T.Union([T.Literal('SuperAdmin'), T.Literal('User')])),
    status: T.Optional(T.Union([T.Literal('Enabled'), T.Literal('Disabled'), T.Literal('Frozen')])),
    password: T.Optional(T.String({ minLength: 1, maxLength: 200 })),
    phoneNumbers: T.Optional(T.Array(T.Union([E164, NumberSpec]))),
    members: T.Optional(T.Array(T.String({ pattern: '^[0-9]{1,8}$' }))),
  },
  { additionalProperties: false },
)

const AccountSpec = T.Object(
  {
    id: T.Optional(Digits),
    name: T.String({ minLength: 1, maxLength: 200 }),
    mainNumber: T.Optional(T.Union([E164, MainNumberSpec])),
    companyNumbers: T.Optional(T.Array(CompanyNumberSpec)),
    hipaa: T.Optional(T.Boolean()),
    extensions: T.Optional(T.Array(ExtensionSpec)),
  },
  { additionalProperties: false },
)

export const PERMISSIONS = [
  'ReadMessages',
  'EditMessages',
  'SMS',
  'Faxes',
  'InternalMessages',
  'ReadAccounts',
  'EditAccounts',
  'SubscriptionWebhook',
] as const

export const GRANT_TYPES = [
  'password',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'refresh_token',
  'authorization_code',
] as const

const AppSpec = T.Object(
  {
    clientId: T.String({ minLength: 1, maxLength: 200 }),
    clientSecret: T.String({ minLength: 1, maxLength: 200 }),
    name: T.Optional(T.String({ maxLength: 200 })),
    grantTypes: T.Optional(T.Array(T.Union(GRANT_TYPES.map((g) => T.Literal(g))))),
    permissions: T.Optional(T.Array(T.Union(PERMISSIONS.map((p) => T.Literal(p))))),
  },
  { additionalProperties: false },
)

export const ProvisioningFile = T.Object(
  {
    accounts: T.Optional(T.Array(AccountSpec)),
    apps: T.Optional(T.Array(AppSpec)),
  },
  { additionalProperties: false },
)

export type ProvisioningFile = Static<typeof ProvisioningFile>
export type AccountSpec = Static<typeof AccountSpec>
export type ExtensionSpec = Static<typeof ExtensionSpec>
export type AppSpec = Static<typeof AppSpec>
export type NumberSpec = Static<typeof NumberSpec>
export type CompanyNumberSpec = Static<typeof CompanyNumberSpec>
export type MainNumberSpec = Static<typeof MainNumberSpec>

/** The number of a spec in either form. */
export function numberOf(spec: string | { phoneNumber: string }): string {
  return typeof spec === 'string' ? spec : spec.phoneNumber
}

/** `/accounts/0/extensions/1/role` → `accounts[0].extensions[1].role` */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '')
}

/** Checks the file's shape and its cross-references; the error names the first bad field. */
export function validateProvisioningFile(input: unknown): ProvisioningFile {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw errors.invalidValue('(root)', 'expected a JSON object')
  }
  const first = firstError(ProvisioningFile, input, '')
  if (first) {
    const field = fieldName(first.path) || '(root)'
    throw errors.invalidValue(field, first.message)
  }
  const file = input as ProvisioningFile
  const numbers = new Map<string, string>()
  const ids = new Map<string, string>()
  file.accounts?.forEach((account, a) => {
    const at = `accounts[${a}]`
    if (account.id !== undefined) {
      if (ids.has(`a${account.id}`)) throw errors.invalidValue(`${at}.id`, 'duplicate account id')
      ids.set(`a${account.id}`, at)
    }
    if (account.mainNumber) claimNumber(numbers, numberOf(account.mainNumber), `${at}.mainNumber`)
    for (const [i, n] of (account.companyNumbers ?? []).entries()) {
      claimNumber(numbers, n.phoneNumber, `${at}.companyNumbers[${i}].phoneNumber`)
    }
    const extNumbers = new Map<string, ExtensionSpec>()
    account.extensions?.forEach((ext, e) => {
      const ea = `${at}.extensions[${e}]`
      if (extNumbers.has(ext.extensionNumber))
        throw errors.invalidValue(`${ea}.extensionNumber`, 'duplicate extension number')
      extNumbers.set(ext.extensionNumber, ext)
      if (ext.id !== undefined) {
        if (ids.has(`e${ext.id}`)) throw errors.invalidValue(`${ea}.id`, 'duplicate extension id')
        ids.set(`e${ext.id}`, ea)
      }
      ext.phoneNumbers?.forEach((spec, i) => {
        const field =
          typeof spec === 'string' ? `${ea}.phoneNumbers[${i}]` : `${ea}.phoneNumbers[${i}].phoneNumber`
        if (!isE164(numberOf(spec))) throw errors.invalidValue(field, 'not an E.164 number')
        claimNumber(numbers, numberOf(spec), field)
      })
      if (ext.type === 'Department') {
        if (ext.password !== undefined)
          throw errors.invalidValue(`${ea}.password`, 'a department cannot log in')
      } else if (ext.members !== undefined) {
        throw errors.invalidValue(`${ea}.members`, 'only a Department has members')
      }
    })
    account.extensions?.forEach((ext, e) => {
      ext.members?.forEach((member, i) => {
        const target = extNumbers.get(member)
        if (!target)
          throw errors.invalidValue(
            `${at}.extensions[${e}].members[${i}]`,
            `no extension ${member} in this account`,
          )
        if (target.type === 'Department') {
          throw errors.invalidValue(`${at}.extensions[${e}].members[${i}]`, 'a department cannot be a member')
        }
      })
    })
    // A named SMS extension must be a user of this account; one missing from the file
    // may already be in the store (checked when the file is applied).
    const smsOwners: [string | undefined, string][] = [
      [
        typeof account.mainNumber === 'object' ? account.mainNumber.smsExtension : undefined,
        `${at}.mainNumber`,
      ],
      ...(account.companyNumbers ?? []).map((n, i): [string | undefined, string] => [
        n.smsExtension,
        `${at}.companyNumbers[${i}]`,
      ]),
    ]
    for (const [owner, field] of smsOwners) {
      if (owner !== undefined && extNumbers.get(owner)?.type === 'Department')
        throw errors.invalidValue(`${field}.smsExtension`, 'a department cannot send SMS')
    }
  })
  const clients = new Set<string>()
  file.apps?.forEach((app, i) => {
    if (clients.has(app.clientId)) throw errors.invalidValue(`apps[${i}].clientId`, 'duplicate clientId')
    clients.add(app.clientId)
  })
  return file
}

/**
 * The first error, followed into a union's object member: a bad feature of a number
 * given as an object is named as `…phoneNumbers[0].features[1]`, not as the number.
 */
function firstError(
  schema: TSchema,
  value: unknown,
  prefix: string,
): { path: string; message: string } | undefined {
  const first = Value.Errors(schema, value).First()
  if (!first) return undefined
  if (first.schema[Kind] === 'Union' && typeof first.value === 'object' && first.value !== null) {
    const member = (first.schema as TUnion).anyOf.find((m) => m[Kind] === 'Object')
    if (member) {
      const inner = firstError(member, first.value, `${prefix}${first.path}`)
      if (inner) return inner
    }
  }
  return { path: `${prefix}${first.path}`, message: first.message }
}

function claimNumber(numbers: Map<string, string>, number: string, field: string): void {
  const owner = numbers.get(number)
  if (owner) throw errors.invalidValue(field, `number ${number} is already given to ${owner}`)
  numbers.set(number, field)
}
