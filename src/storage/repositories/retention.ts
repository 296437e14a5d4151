import { type Kysely, sql, type Transaction } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import {
  type AccountRetention,
  type AgeRule,
  type CappedFolder,
  OUTBOX_STATUSES,
} from '../../domain/message/retention.js'
import type { DB } from '../schema.js'

/** The reads and bookkeeping of the retention sweep (see services/retention.ts). */

export interface AccountRow extends AccountRetention {
  id: string
}

/** Accounts in id order after `after` (the sweep walks the whole store). */
export async function accountsAfter(
  db: Kysely<DB>,
  after: string | null,
  limit: number,
): Promise<AccountRow[]> {
  let query = db.selectFrom('accounts').select(['id', 'hipaa', 'retention_period']).orderBy('id').limit(limit)
  if (after !== null) query = query.where('id', '>', after)
  const rows = await query.execute()
  return rows.map((r) => ({
    id: r.id,
    hipaa: Boolean(r.hipaa),
    retentionPeriod: r.retention_period === null ? null : Number(r.retention_period),
  }))
}

export async function accountRetention(
  db: Kysely<DB>,
  accountId: string,
): Promise<AccountRetention | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select(['hipaa', 'retention_period'])
    .where('id', '=', accountId)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    hipaa: Boolean(row.hipaa),
    retentionPeriod: row.retention_period === null ? null : Number(row.retention_period),
  }
}

export async function setRetentionPeriod(db: Kysely<DB>, accountId: string, days: number): Promise<void> {
  await db.updateTable('accounts').set({ retention_period: days }).where('id', '=', accountId).execute()
}

/** The messages a rule applies to; `type` is spelt as a literal so the partial index of its type serves. */
function ruleQuery(db: Kysely<DB>, accountId: string, rule: AgeRule) {
  let query = db
    .selectFrom('messages')
    .where('account_id', '=', accountId)
    .where('type', '=', sql.lit(rule.type))
    .where('direction', '=', rule.direction)
  if (rule.spare?.length) query = query.where('message_status', 'not in', [...rule.spare])
  return query
}

/** The oldest message a rule applies to in the account. */
export async function oldestUnderRule(
  db: Kysely<DB>,
  accountId: string,
  rule: AgeRule,
): Promise<{ extensionId: string; creationTime: number } | undefined> {
  const row = await ruleQuery(db, accountId, rule)
    .select(['extension_id', 'creation_time'])
    .orderBy('creation_time')
    .limit(1)
    .executeTakeFirst()
  return row ? { extensionId: row.extension_id, creationTime: Number(row.creation_time) } : undefined
}

/** Up to `limit` messages of one mailbox the rule catches: created at or before `cutoff`, oldest first. */
export async function expiredIds(
  db: Kysely<DB>,
  accountId: string,
  extensionId: string,
  rule: AgeRule,
  cutoff: number,
  limit: number,
): Promise<number[]> {
  const rows = await ruleQuery(db, accountId, rule)
    .select('id')
    .where('creation_time', '<=', cutoff)
    .where('extension_id', '=', extensionId)
    .orderBy('creation_time')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((r) => Number(r.id))
}

/**
 * The next mailbox after `after` (extension id order, across accounts: extension ids are
 * unique in the store) changed since its limits were last enforced.
 */
export async function nextUncheckedMailbox(
  db: Kysely<DB>,
  after: string | null,
): Promise<MailboxKey | undefined> {
  let query = db
    .selectFrom('mailboxes')
    .select(['account_id', 'extension_id'])
    .whereRef('change_seq', '>', 'retention_seq')
    .orderBy('extension_id')
    .limit(1)
  if (after !== null) query = query.where('extension_id', '>', after)
  const row = await query.executeTakeFirst()
  return row ? { accountId: row.account_id, extensionId: row.extension_id } : undefined
}

/** Records that the mailbox's limits hold as of its current change sequence number. */
export async function markChecked(trx: Transaction<DB>, mailbox: MailboxKey): Promise<void> {
  await trx
    .updateTable('mailboxes')
    .set((eb) => ({ retention_seq: eb.ref('change_seq') }))
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .execute()
}

/** How many messages each capped folder of the mailbox holds. */
export async function folderCounts(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  folders: CappedFolder[],
): Promise<number[]> {
  // Type, direction and availability are in the list index: this count reads the index only.
  const groups = await db
    .selectFrom('messages')
    .select(['type', 'direction', 'availability', sql<number>`count(*)`.as('n')])
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('availability', 'in', ['Alive', 'Deleted'])
    .groupBy(['type', 'direction', 'availability'])
    .execute()
  const outbox = await db
    .selectFrom('messages')
    .select(['type', sql<number>`count(*)`.as('n')])
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('availability', '=', 'Alive')
    .where('direction', '=', 'Outbound')
    .where('message_status', 'in', [...OUTBOX_STATUSES])
    .groupBy('type')
    .execute()
  return folders.map((f) => {
    let n = 0
    for (const g of groups) {
      if (!f.types.includes(g.type as CappedFolder['types'][number])) continue
      if (g.availability !== f.availability) continue
      if (f.direction && g.direction !== f.direction) continue
      n += Number(g.n)
    }
    if (f.outbox !== undefined) {
      const queued = outbox.filter((o) => f.types.includes(o.type as CappedFolder['types'][number]))
      const inOutbox = queued.reduce((sum, o) => sum + Number(o.n), 0)
      n = f.outbox ? inOutbox : n - inOutbox
    }
    return n
  })
}

/** The oldest `limit` messages of a folder. */
export async function oldestInFolder(
  db: Kysely<DB>,
  mailbox: MailboxKey,
  folder: CappedFolder,
  limit: number,
): Promise<number[]> {
  let query = db
    .selectFrom('messages')
    .select('id')
    .where('account_id', '=', mailbox.accountId)
    .where('extension_id', '=', mailbox.extensionId)
    .where('availability', '=', folder.availability)
    .where('type', 'in', folder.types)
  if (folder.direction) query = query.where('direction', '=', folder.direction)
  if (folder.outbox === true) query = query.where('message_status', 'in', [...OUTBOX_STATUSES])
  if (folder.outbox === false) query = query.where('message_status', 'not in', [...OUTBOX_STATUSES])
  const rows = await query.orderBy('creation_time').orderBy('id').limit(limit).execute()
  return rows.map((r) => Number(r.id))
}
