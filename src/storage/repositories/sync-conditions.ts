import { type RawBuilder, sql } from 'kysely'
import type { MailboxKey } from '../../domain/mailbox.js'
import type { Cursor, Region, SyncFrame } from '../../domain/sync/frame.js'
import type { DialectInfo } from '../dialects/dialect.js'

/** The SQL conditions of a sync frame, shared by the statements of sync.ts. */

export type Alias = 'm' | 'n'

/** Ids of the extra rows (never a message's): the mailbox's change sequence number; "older records exist". */
export const HIGH = 0
export const OLDER = -1

export const col = (alias: string, name: string) => sql.ref(`${alias}.${name}`)

/** The record of message `m`, as text. */
export const recordOfM = (dialect: DialectInfo) => dialect.recordText(sql.ref('m.record'))

/** The filters of a frame (type, direction, conversation) on messages aliased `alias`. */
export function filters(alias: Alias, frame: SyncFrame): RawBuilder<unknown>[] {
  const conds: RawBuilder<unknown>[] = []
  if (frame.types?.length) conds.push(sql`${col(alias, 'type')} in (${sql.join(frame.types)})`)
  if (frame.directions?.length) conds.push(sql`${col(alias, 'direction')} in (${sql.join(frame.directions)})`)
  if (frame.conversationId !== undefined)
    conds.push(sql`${col(alias, 'conversation_id')} = ${frame.conversationId}`)
  return conds
}

/** (creation_time, id) >= lower, spelt so that the creation_time range can use an index. */
export function atLeast(alias: string, lower: Cursor, idColumn = 'id'): RawBuilder<unknown> {
  const ct = col(alias, 'creation_time')
  return sql`${ct} >= ${lower[0]} and (${ct} > ${lower[0]} or ${col(alias, idColumn)} >= ${lower[1]})`
}

/** (creation_time, id) < below. */
export function under(alias: string, below: Cursor, idColumn = 'id'): RawBuilder<unknown> {
  const ct = col(alias, 'creation_time')
  return sql`${ct} <= ${below[0]} and (${ct} < ${below[0]} or ${col(alias, idColumn)} < ${below[1]})`
}

export function bounds(alias: Alias, lower: Cursor, upper: number | null): RawBuilder<unknown>[] {
  const conds = [atLeast(alias, lower)]
  if (upper !== null) conds.push(sql`${col(alias, 'creation_time')} <= ${upper}`)
  return conds
}

/** The Alive messages of the frame, newest of each conversation only when the frame says so. */
export function inFrame(mailbox: MailboxKey, frame: SyncFrame, region?: Region): RawBuilder<unknown> {
  const conds = [
    sql`m.account_id = ${mailbox.accountId}`,
    sql`m.extension_id = ${mailbox.extensionId}`,
    sql`m.availability = 'Alive'`,
    ...filters('m', frame),
    ...bounds('m', region?.lower ?? frame.lower, region?.upper ?? frame.upper),
  ]
  if (region?.below) conds.push(under('m', region.below))
  if (region?.after !== undefined) conds.push(sql`m.creation_time > ${region.after}`)
  if (frame.distinct) conds.push(newestOfConversation(frame))
  return sql.join(conds, sql` and `)
}

/** No newer Alive message of the same conversation in the frame. */
export function newestOfConversation(frame: SyncFrame): RawBuilder<unknown> {
  const n = [
    sql`n.account_id = m.account_id`,
    sql`n.extension_id = m.extension_id`,
    sql`n.conversation_id = m.conversation_id`,
    sql`n.availability = 'Alive'`,
    ...filters('n', frame),
    ...bounds('n', frame.lower, frame.upper),
    sql`(n.creation_time > m.creation_time or (n.creation_time = m.creation_time and n.id > m.id))`,
  ]
  return sql`(m.conversation_id is null or not exists (select 1 from messages n where ${sql.join(n, sql` and `)}))`
}

/**
 * One row when an Alive message of the frame's filters lies below the frame (older
 * than its lower bound): `olderRecordsExist`, as a branch of the sync statements (sync.ts).
 */
export function older(mailbox: MailboxKey, frame: SyncFrame): RawBuilder<unknown> {
  const conds = [
    sql`m.account_id = ${mailbox.accountId}`,
    sql`m.extension_id = ${mailbox.extensionId}`,
    sql`m.availability = 'Alive'`,
    ...filters('m', frame),
    under('m', frame.lower),
  ]
  return sql`select 1 as one from messages m where ${sql.join(conds, sql` and `)} limit 1`
}
