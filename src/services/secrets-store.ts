import type { Kysely } from 'kysely'
import { randomToken } from '../lib/secrets.js'
import type { DB } from '../storage/schema.js'

/**
 * A server secret kept in the database, created on first use, so that every node
 * sharing the database signs and verifies with the same key.
 */
export async function serverSecret(db: Kysely<DB>, name: string): Promise<Uint8Array> {
  const key = `secret:${name}`
  const found = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst()
  if (found) return Buffer.from(found.value, 'base64url')
  await db
    .insertInto('meta')
    .values({ key, value: randomToken(32) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirstOrThrow()
  return Buffer.from(row.value, 'base64url')
}
