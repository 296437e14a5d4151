import type { Kysely, Transaction } from 'kysely'
import { errors } from '../../domain/errors.js'
import {
  type AccountSpec,
  type AppSpec,
  type ExtensionSpec,
  numberOf,
  type ProvisioningFile,
  validateProvisioningFile,
} from '../../domain/provisioning-file.js'
import { randomDigits, sha256 } from '../../lib/secrets.js'
import type { DialectInfo } from '../../storage/dialects/dialect.js'
import type { DB } from '../../storage/schema.js'
import { applyCompanyNumbers, applyExtensionNumbers, companyNumberOwner } from './numbers.js'
import { type PasswordHashes, preparePasswords } from './passwords.js'

export interface ProvisionResult {
  accounts: {
    id: string
    name: string
    extensions: { id: string; extensionNumber: string; type: string }[]
  }[]
  apps: { clientId: string }[]
}

/**
 * Applies a provisioning file in one transaction: all of it or none of it.
 * Records are matched by id, then by extension number within the account (accounts
 * without an id by main number), and apps by clientId, so applying a file twice
 * changes nothing.
 *
 * Nodes sharing a database may apply the same file at once (every node started with
 * `--provision`, or admin calls spread by a load balancer): the transaction first takes
 * a lock all nodes share, so the second reads what the first wrote and matches it
 * rather than inserting the same rows again.
 */
export async function provision(
  db: Kysely<DB>,
  input: unknown,
  now: number,
  dialect?: Pick<DialectInfo, 'lockUntilCommit'>,
): Promise<ProvisionResult> {
  const file: ProvisioningFile = validateProvisioningFile(input)
  // scrypt is slow: hashed before the transaction, so no lock or connection waits on it.
  const passwords = await preparePasswords(db, file)
  return db.transaction().execute(async (trx) => {
    await dialect?.lockUntilCommit?.(trx, 'provisioning')
    const result: ProvisionResult = { accounts: [], apps: [] }
    for (const [i, spec] of (file.accounts ?? []).entries()) {
      result.accounts.push(await applyAccount(trx, spec, `accounts[${i}]`, now, passwords))
    }
    for (const spec of file.apps ?? []) {
      await applyApp(trx, spec)
      result.apps.push({ clientId: spec.clientId })
    }
    return result
  })
}

async function applyAccount(
  trx: Transaction<DB>,
  spec: AccountSpec,
  at: string,
  now: number,
  passwords: PasswordHashes,
) {
  const mainNumber = spec.mainNumber === undefined ? undefined : numberOf(spec.mainNumber)
  let existing = spec.id
    ? await trx.selectFrom('accounts').selectAll().where('id', '=', spec.id).executeTakeFirst()
    : mainNumber
      ? await trx.selectFrom('accounts').selectAll().where('main_number', '=', mainNumber).executeTakeFirst()
      : undefined
  if (mainNumber) {
    const owner = await trx
      .selectFrom('phone_numbers')
      .select('account_id')
      .where('phone_number', '=', mainNumber)
      .executeTakeFirst()
    const mainOf = await trx
      .selectFrom('accounts')
      .select('id')
      .where('main_number', '=', mainNumber)
      .executeTakeFirst()
    const companyOf = await companyNumberOwner(trx, mainNumber)
    if (owner || (mainOf && mainOf.id !== existing?.id) || (companyOf && companyOf !== existing?.id)) {
      throw errors.invalidValue(`${at}.mainNumber`, `number ${mainNumber} already belongs to another owner`)
    }
  }
  const id = existing?.id ?? spec.id ?? (await freshId(trx, 'accounts'))
  if (!existing) {
    await trx
      .insertInto('accounts')
      .values({
        id,
        name: spec.name,
        main_number: mainNumber ?? null,
        hipaa: spec.hipaa ? 1 : 0,
        retention_period: null,
        created_at: now,
      })
      .execute()
    existing = await trx.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  } else {
    await trx
      .updateTable('accounts')
      .set({
        name: spec.name,
        main_number: mainNumber ?? existing.main_number,
        hipaa: spec.hipaa === undefined ? existing.hipaa : spec.hipaa ? 1 : 0,
      })
      .where('id', '=', id)
      .execute()
  }
  const extensions: ProvisionResult['accounts'][number]['extensions'] = []
  const idsByNumber = new Map<string, string>()
  for (const [e, ext] of (spec.extensions ?? []).entries()) {
    const extId = await applyExtension(trx, id, ext, `${at}.extensions[${e}]`, now, passwords)
    idsByNumber.set(ext.extensionNumber, extId)
    extensions.push({ id: extId, extensionNumber: ext.extensionNumber, type: ext.type ?? 'User' })
  }
  await applyCompanyNumbers(trx, id, spec, at, idsByNumber)
  for (const ext of spec.extensions ?? []) {
    if (ext.type !== 'Department' || ext.members === undefined) continue
    const departmentId = idsByNumber.get(ext.extensionNumber)!
    await trx
      .deleteFrom('department_members')
      .where('account_id', '=', id)
      .where('department_id', '=', departmentId)
      .execute()
    for (const member of ext.members) {
      await trx
        .insertInto('department_members')
        .values({ account_id: id, department_id: departmentId, member_id: idsByNumber.get(member)! })
        .execute()
    }
  }
  return { id, name: spec.name, extensions }
}

async function applyExtension(
  trx: Transaction<DB>,
  accountId: string,
  spec: ExtensionSpec,
  at: string,
  now: number,
  passwords: PasswordHashes,
): Promise<string> {
  const byId = spec.id
    ? await trx.selectFrom('extensions').selectAll().where('id', '=', spec.id).executeTakeFirst()
    : undefined
  if (byId && byId.account_id !== accountId)
    throw errors.invalidValue(`${at}.id`, 'the id belongs to another account')
  const existing =
    byId ??
    (await trx
      .selectFrom('extensions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('extension_number', '=', spec.extensionNumber)
      .executeTakeFirst())
  if (byId) {
    const clash = await trx
      .selectFrom('extensions')
      .select('id')
      .where('account_id', '=', accountId)
      .where('extension_number', '=', spec.extensionNumber)
      .where('id', '!=', byId.id)
      .executeTakeFirst()
    if (clash)
      throw errors.invalidValue(`${at}.extensionNumber`, `extension number taken by extension ${clash.id}`)
  }
  const type = spec.type ?? 'User'
  const role = spec.role ?? 'User'
  const status = spec.status ?? 'Enabled'
  // Keep the stored hash when the password is unchanged, so a second apply changes nothing.
  const passwordHash =
    spec.password === undefined
      ? (existing?.password_hash ?? null)
      : passwords.hashFor(spec.password, existing?.password_hash ?? null)
  const id = existing?.id ?? spec.id ?? (await freshId(trx, 'extensions'))
  if (existing) {
    await trx
      .updateTable('extensions')
      .set({
        extension_number: spec.extensionNumber,
        name: spec.name,
        type,
        role,
        status,
        password_hash: passwordHash,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute()
    // Every request reads the role and status from its session (see OAuthService.principal).
    await trx
      .updateTable('oauth_sessions')
      .set({ role, status })
      .where('account_id', '=', accountId)
      .where('extension_id', '=', id)
      .execute()
  } else {
    await trx
      .insertInto('extensions')
      .values({
        id,
        account_id: accountId,
        extension_number: spec.extensionNumber,
        name: spec.name,
        type,
        role,
        status,
        password_hash: passwordHash,
        created_at: now,
      })
      .execute()
    await trx
      .insertInto('mailboxes')
      .values({ extension_id: id, account_id: accountId, change_seq: 0 })
      .execute()
  }
  if (spec.phoneNumbers !== undefined) await applyExtensionNumbers(trx, accountId, id, spec.phoneNumbers, at)
  return id
}

async function applyApp(trx: Transaction<DB>, spec: AppSpec): Promise<void> {
  const values = {
    client_secret_hash: sha256(spec.clientSecret),
    name: spec.name ?? spec.clientId,
    grant_types: JSON.stringify(
      spec.grantTypes ?? ['password', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token'],
    ),
    permissions: JSON.stringify(spec.permissions ?? ['ReadMessages']),
  }
  const existing = await trx
    .selectFrom('apps')
    .select('client_id')
    .where('client_id', '=', spec.clientId)
    .executeTakeFirst()
  if (existing) await trx.updateTable('apps').set(values).where('client_id', '=', spec.clientId).execute()
  else
    await trx
      .insertInto('apps')
      .values({ client_id: spec.clientId, ...values })
      .execute()
}

async function freshId(trx: Transaction<DB>, table: 'accounts' | 'extensions'): Promise<string> {
  for (;;) {
    const id = randomDigits(9)
    const taken = await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()
    if (!taken) return id
  }
}
