import type { Kysely } from 'kysely'

/**
 * What a phone number may do, and the account's company numbers.
 *
 * - `phone_numbers.features` (JSON array), `number_type` and `usage_type`: null means
 *   the defaults of a user's direct number (see domain/phone-number.ts), so rows
 *   written before this migration keep sending as they did.
 * - `accounts.company_numbers` (JSON array): the main number's and any additional
 *   company numbers' settings, each optionally naming the one extension that sends and
 *   receives SMS for it. Company numbers are few per account and always read with
 *   their account, so they live on its row rather than in a table of their own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ['features', 'number_type', 'usage_type']) {
    await db.schema.alterTable('phone_numbers').addColumn(column, 'text').execute()
  }
  await db.schema.alterTable('accounts').addColumn('company_numbers', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['features', 'number_type', 'usage_type']) {
    await db.schema.alterTable('phone_numbers').dropColumn(column).execute()
  }
  await db.schema.alterTable('accounts').dropColumn('company_numbers').execute()
}
