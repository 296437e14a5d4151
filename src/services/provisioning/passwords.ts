import type { Kysely } from 'kysely'
import { numberOf, type ProvisioningFile } from '../../domain/provisioning-file.js'
import { hashPassword, verifyPassword } from '../../lib/secrets.js'
import type { DB } from '../../storage/schema.js'

/** The password hashes a provisioning transaction stores, worked out before it begins. */
export interface PasswordHashes {
  /** The stored hash when it already matches `password` (so a second apply changes nothing), else a fresh one. */
  hashFor(password: string, stored: string | null): string
}

/**
 * Hashes every password of the file, and checks it against the hashes stored now, on
 * libuv's thread pool. A stored hash that changes before the transaction reads it simply
 * gets the fresh hash: the password is the same either way.
 */
export async function preparePasswords(db: Kysely<DB>, file: ProvisioningFile): Promise<PasswordHashes> {
  const wanted = (file.accounts ?? []).flatMap((account) =>
    (account.extensions ?? []).filter((e) => e.password !== undefined).map((e) => ({ account, ext: e })),
  )
  const fresh = new Map<string, string>()
  const matching = new Set<string>()
  for (const { account, ext } of wanted) {
    const password = ext.password!
    if (!fresh.has(password)) fresh.set(password, await hashPassword(password))
    const accountId =
      account.id ??
      (account.mainNumber
        ? (
            await db
              .selectFrom('accounts')
              .select('id')
              .where('main_number', '=', numberOf(account.mainNumber))
              .executeTakeFirst()
          )?.id
        : undefined)
    // An account not stored yet has no extensions, so no hash to keep.
    if (accountId === undefined) continue
    const query = db.selectFrom('extensions').select('password_hash').where('account_id', '=', accountId)
    const stored = (
      await (ext.id
        ? query.where('id', '=', ext.id)
        : query.where('extension_number', '=', ext.extensionNumber)
      ).executeTakeFirst()
    )?.password_hash
    if (stored && (await verifyPassword(password, stored))) matching.add(key(password, stored))
  }
  return {
    hashFor(password, stored) {
      if (stored && matching.has(key(password, stored))) return stored
      return fresh.get(password)!
    },
  }
}

const key = (password: string, stored: string) => `${stored}\u0000${password}`
