import type { Kysely } from 'kysely'
import type { Route } from '../../carriers/simulator.js'
import { companyNumbersOf } from '../../domain/phone-number.js'
import type { DB, ExtensionsTable } from '../../storage/schema.js'

/** A recipient phone number, and the extension of the sender's account that owns it, if one does. */
export interface PhoneRecipient {
  phoneNumber: string
  owner?: { extensionId: string; name: string; enabled: boolean }
}

/**
 * Which numbers belong to the account: those are delivered inside the store, the
 * others go to the carrier. Numbers of another account go through the carrier too,
 * as they would between two RingCentral customers.
 */
export async function resolvePhoneRecipients(
  db: Kysely<DB>,
  accountId: string,
  numbers: string[],
  options: { texts?: boolean } = {},
): Promise<PhoneRecipient[]> {
  if (numbers.length === 0) return []
  const rows = await db
    .selectFrom('phone_numbers')
    .innerJoin('extensions', (join) =>
      join
        .onRef('extensions.account_id', '=', 'phone_numbers.account_id')
        .onRef('extensions.id', '=', 'phone_numbers.extension_id'),
    )
    .select(['phone_numbers.phone_number', 'extensions.id', 'extensions.name', 'extensions.status'])
    .where('phone_numbers.account_id', '=', accountId)
    .where('phone_numbers.phone_number', 'in', numbers)
    .execute()
  const byNumber = new Map<string, { id: string; name: string; status: string }>(
    rows.map((r) => [r.phone_number, r]),
  )
  // A text to a company number reaches the extension that texts for it.
  if (options.texts && numbers.some((n) => !byNumber.has(n))) {
    for (const [number, owner] of await companyTextOwners(db, accountId)) {
      if (!byNumber.has(number)) byNumber.set(number, owner)
    }
  }
  return numbers.map((phoneNumber) => {
    const row = byNumber.get(phoneNumber)
    if (!row) return { phoneNumber }
    return {
      phoneNumber,
      owner: { extensionId: row.id, name: row.name, enabled: row.status === 'Enabled' },
    }
  })
}

/** The company numbers of an account that name an SMS extension, and that extension. */
export async function companyTextOwners(
  db: Kysely<DB>,
  accountId: string,
): Promise<Map<string, { id: string; name: string; status: ExtensionsTable['status'] }>> {
  const account = await db
    .selectFrom('accounts')
    .select(['main_number', 'company_numbers'])
    .where('id', '=', accountId)
    .executeTakeFirst()
  const assigned = account ? companyNumbersOf(account).filter((n) => n.smsExtensionId !== undefined) : []
  const owners = new Map<string, { id: string; name: string; status: ExtensionsTable['status'] }>()
  if (assigned.length === 0) return owners
  const extensions = await db
    .selectFrom('extensions')
    .select(['id', 'name', 'status'])
    .where('account_id', '=', accountId)
    .where(
      'id',
      'in',
      assigned.map((n) => n.smsExtensionId!),
    )
    .execute()
  for (const n of assigned) {
    const extension = extensions.find((e) => e.id === n.smsExtensionId)
    if (extension) owners.set(n.phoneNumber, extension)
  }
  return owners
}

/** Where a recipient is served (see carriers/simulator.ts). */
export function routeOf(recipient: PhoneRecipient): Route {
  if (!recipient.owner) return 'carrier'
  return recipient.owner.enabled ? 'internal' : 'dropped'
}

/** The distinct enabled extensions that receive an Inbound copy. */
export function internalOwners(recipients: PhoneRecipient[]): { extensionId: string; name: string }[] {
  const seen = new Map<string, { extensionId: string; name: string }>()
  for (const r of recipients) {
    if (r.owner?.enabled && !seen.has(r.owner.extensionId)) seen.set(r.owner.extensionId, r.owner)
  }
  return [...seen.values()]
}

/** An extension of the account, as pager addressing needs it. */
export interface AccountExtension {
  id: string
  extensionNumber: string
  name: string
  type: ExtensionsTable['type']
  status: ExtensionsTable['status']
}

/** Every extension of an account by id, and the members of each department. */
export async function accountDirectory(
  db: Kysely<DB>,
  accountId: string,
): Promise<{ byId: Map<string, AccountExtension>; members: Map<string, string[]> }> {
  const rows = await db
    .selectFrom('extensions')
    .select(['id', 'extension_number', 'name', 'type', 'status'])
    .where('account_id', '=', accountId)
    .execute()
  const byId = new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, extensionNumber: r.extension_number, name: r.name, type: r.type, status: r.status },
    ]),
  )
  const memberRows = await db
    .selectFrom('department_members')
    .select(['department_id', 'member_id'])
    .where('account_id', '=', accountId)
    .execute()
  const members = new Map<string, string[]>()
  for (const m of memberRows)
    members.set(m.department_id, [...(members.get(m.department_id) ?? []), m.member_id])
  return { byId, members }
}
