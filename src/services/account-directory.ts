import { type Kysely, sql } from 'kysely'
import { errors } from '../domain/errors.js'
import { enumValues, positiveInt, type Query, single } from '../domain/message/list-query.js'
import {
  type CompanyNumber,
  companyNumbersOf,
  extensionNumberAttributes,
  type PhoneNumberAttributes,
} from '../domain/phone-number.js'
import type { Principal } from '../domain/principal.js'
import type { DB, ExtensionsTable } from '../storage/schema.js'
import { resolveAccount, resolveMailbox } from './mailbox-access.js'

/**
 * The account surface apps read before they touch the message store: the account, its
 * extensions and its phone numbers. What the path names is resolved as for mailboxes:
 * `~` is the caller's own, another account is never reachable, and another extension of
 * the account (or the whole company's lists) only by a SuperAdmin.
 */

export const MAX_PER_PAGE = 1000

export interface AccountRow {
  id: string
  name: string
  mainNumber?: string
}

export interface ExtensionRow {
  id: string
  accountId: string
  extensionNumber: string
  name: string
  type: ExtensionsTable['type']
  role: ExtensionsTable['role']
  status: ExtensionsTable['status']
}

export interface NumberRow extends PhoneNumberAttributes {
  /** The extension the number is assigned to: a direct number's owner. */
  extension?: { id: string; extensionNumber: string }
}

export interface Paged<T> {
  records: T[]
  page: number
  perPage: number
  total: number
}

/** Every status and type RingCentral lets a list filter by; msgstore's extensions have a few of them. */
const EXTENSION_STATUSES = ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned'] as const
const EXTENSION_TYPES = [
  'User',
  'Department',
  'Announcement',
  'Voicemail',
  'DigitalUser',
  'VirtualUser',
  'FaxUser',
  'PagingOnly',
  'SharedLinesGroup',
  'DelegatedLinesGroup',
  'GroupCallPickup',
  'IvrMenu',
  'ApplicationExtension',
  'ProxyAdmin',
  'RoomConnector',
  'ParkLocation',
  'Limited',
  'Bot',
  'Site',
  'Room',
  'FlexibleUser',
] as const
const USAGE_TYPES = [
  'MainCompanyNumber',
  'AdditionalCompanyNumber',
  'CompanyNumber',
  'DirectNumber',
  'CompanyFaxNumber',
  'ForwardedNumber',
  'ForwardedCompanyNumber',
  'ContactCenterNumber',
  'ConferencingNumber',
  'MeetingsNumber',
  'BusinessMobileNumber',
  'PartnerBusinessMobileNumber',
  'IntegrationNumber',
] as const

function pageOf(query: Query): { page: number; perPage: number } {
  return {
    page: positiveInt(query, 'page') ?? 1,
    perPage: Math.min(positiveInt(query, 'perPage') ?? 100, MAX_PER_PAGE),
  }
}

function slice<T>(all: T[], query: Query): Paged<T> {
  const { page, perPage } = pageOf(query)
  return { records: all.slice((page - 1) * perPage, page * perPage), page, perPage, total: all.length }
}

function toExtension(row: {
  id: string
  account_id: string
  extension_number: string
  name: string
  type: ExtensionsTable['type']
  role: ExtensionsTable['role']
  status: ExtensionsTable['status']
}): ExtensionRow {
  return {
    id: row.id,
    accountId: row.account_id,
    extensionNumber: row.extension_number,
    name: row.name,
    type: row.type,
    role: row.role,
    status: row.status,
  }
}

export class AccountDirectory {
  constructor(private readonly db: Kysely<DB>) {}

  /** The caller's account; every user of it may read it, as RingCentral lets them. */
  async account(principal: Principal, accountParam: string): Promise<AccountRow> {
    const accountId = resolveAccount(principal, accountParam)
    const row = await this.db
      .selectFrom('accounts')
      .select(['id', 'name', 'main_number'])
      .where('id', '=', accountId)
      .executeTakeFirst()
    if (!row) throw errors.notFound('accountId')
    return { id: row.id, name: row.name, mainNumber: row.main_number ?? undefined }
  }

  /** One extension: the caller's own, or any of the account's for a SuperAdmin. */
  async extension(principal: Principal, accountParam: string, extensionParam: string): Promise<ExtensionRow> {
    const { accountId, extensionId } = await resolveMailbox(this.db, principal, accountParam, extensionParam)
    const row = await this.db
      .selectFrom('extensions')
      .select(['id', 'account_id', 'extension_number', 'name', 'type', 'role', 'status'])
      .where('account_id', '=', accountId)
      .where('id', '=', extensionId)
      .executeTakeFirst()
    if (!row) throw errors.notFound('extensionId')
    return toExtension(row)
  }

  /** The account's extensions, filtered, in extension number order; a SuperAdmin's view. */
  async extensions(principal: Principal, accountParam: string, query: Query): Promise<Paged<ExtensionRow>> {
    const accountId = this.companyWide(principal, accountParam)
    const extensionNumber = single(query, 'extensionNumber')
    const types = enumValues(query, 'type', EXTENSION_TYPES)
    const statuses = enumValues(query, 'status', EXTENSION_STATUSES)
    pageOf(query) // a bad page or perPage is refused before anything is read
    let select = this.db
      .selectFrom('extensions')
      .select(['id', 'account_id', 'extension_number', 'name', 'type', 'role', 'status'])
      .where('account_id', '=', accountId)
    if (extensionNumber !== undefined) select = select.where('extension_number', '=', extensionNumber)
    if (types) select = select.where('type', 'in', types as ExtensionsTable['type'][])
    if (statuses) select = select.where('status', 'in', statuses as ExtensionsTable['status'][])
    // Extension numbers are digits of any length: 20 comes before 101.
    const rows = await select
      .orderBy(sql`length(extension_number)`)
      .orderBy('extension_number')
      .orderBy('id')
      .execute()
    return slice(rows.map(toExtension), query)
  }

  /** An extension's numbers: its own, then the company numbers it sends and receives SMS for. */
  async extensionNumbers(
    principal: Principal,
    accountParam: string,
    extensionParam: string,
    query: Query,
  ): Promise<{ extension: ExtensionRow; page: Paged<NumberRow> }> {
    const extension = await this.extension(principal, accountParam, extensionParam)
    const usageTypes = enumValues(query, 'usageType', USAGE_TYPES)
    pageOf(query) // a bad page or perPage is refused before anything is read
    const own = await this.ownNumbers(extension.accountId, extension.id)
    const company = (await this.companyNumbers(extension.accountId)).filter(
      (n) => n.smsExtensionId === extension.id,
    )
    const all: NumberRow[] = [
      ...own.map((n) => ({
        ...n,
        extension: { id: extension.id, extensionNumber: extension.extensionNumber },
      })),
      ...company.map(companyRow),
    ]
    return { extension, page: slice(filterUsage(all, usageTypes), query) }
  }

  /** Every number of the account: company numbers first, then each extension's. */
  async accountNumbers(principal: Principal, accountParam: string, query: Query): Promise<Paged<NumberRow>> {
    const accountId = this.companyWide(principal, accountParam)
    const usageTypes = enumValues(query, 'usageType', USAGE_TYPES)
    pageOf(query) // a bad page or perPage is refused before anything is read
    const rows = await this.db
      .selectFrom('phone_numbers')
      .innerJoin('extensions', (join) =>
        join
          .onRef('extensions.account_id', '=', 'phone_numbers.account_id')
          .onRef('extensions.id', '=', 'phone_numbers.extension_id'),
      )
      .select([
        'phone_numbers.phone_number',
        'phone_numbers.features',
        'phone_numbers.number_type',
        'phone_numbers.usage_type',
        'extensions.id',
        'extensions.extension_number',
      ])
      .where('phone_numbers.account_id', '=', accountId)
      .orderBy('phone_numbers.phone_number')
      .execute()
    const all: NumberRow[] = [
      ...(await this.companyNumbers(accountId)).map(companyRow),
      ...rows.map((r) => ({
        ...extensionNumberAttributes(r),
        extension: { id: r.id, extensionNumber: r.extension_number },
      })),
    ]
    return slice(filterUsage(all, usageTypes), query)
  }

  private async ownNumbers(accountId: string, extensionId: string): Promise<PhoneNumberAttributes[]> {
    const rows = await this.db
      .selectFrom('phone_numbers')
      .select(['phone_number', 'features', 'number_type', 'usage_type'])
      .where('account_id', '=', accountId)
      .where('extension_id', '=', extensionId)
      .orderBy('phone_number')
      .execute()
    return rows.map(extensionNumberAttributes)
  }

  private async companyNumbers(accountId: string): Promise<CompanyNumber[]> {
    const row = await this.db
      .selectFrom('accounts')
      .select(['main_number', 'company_numbers'])
      .where('id', '=', accountId)
      .executeTakeFirst()
    return row ? companyNumbersOf(row) : []
  }

  /** Company-wide lists are a SuperAdmin's, as the account's message store settings are. */
  private companyWide(principal: Principal, accountParam: string): string {
    const accountId = resolveAccount(principal, accountParam)
    if (principal.role !== 'SuperAdmin') throw errors.adminRequired()
    return accountId
  }
}

function companyRow(n: CompanyNumber): NumberRow {
  return { phoneNumber: n.phoneNumber, type: n.type, usageType: n.usageType, features: n.features }
}

function filterUsage(all: NumberRow[], usageTypes: string[] | undefined): NumberRow[] {
  return usageTypes ? all.filter((n) => usageTypes.includes(n.usageType)) : all
}
