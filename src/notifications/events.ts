import { randomUUID } from 'node:crypto'
import { withBaseUrl } from '../domain/message/record.js'
import type { EventFilter } from './filters.js'

/**
 * Event bodies: what one committed transaction's changes in one mailbox mean for one
 * event filter. Pure functions of the outbox rows, so every node and every transport
 * announces the same change the same way.
 */

export interface OutboxRow {
  id: number
  accountId: string
  extensionId: string
  txn: string
  messageId: number
  type: string
  direction: string
  kind: 'new' | 'updated' | 'removed'
  record: Buffer | null
  /** Store-clock time of the change. */
  at: number
}

/** The rows one transaction wrote for one mailbox: they make one message-store notification. */
export interface ChangeGroup {
  accountId: string
  extensionId: string
  rows: OutboxRow[]
  /** Store-clock time of the latest change of the group. */
  at: number
  /** The first outbox id of the group: groups are announced in this order. */
  firstId: number
}

export interface EventBody {
  event: string
  body: unknown
  /** Store-clock time the event is stamped with. */
  at: number
}

export interface Envelope {
  uuid: string
  event: string
  timestamp: string
  subscriptionId: string
  ownerId: string
  body: unknown
}

/** Groups rows (in id order) by transaction and mailbox, keeping the order of each group's first row. */
export function groupChanges(rows: OutboxRow[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>()
  for (const row of rows) {
    const key = `${row.txn}/${row.accountId}/${row.extensionId}`
    let group = groups.get(key)
    if (!group) {
      group = {
        accountId: row.accountId,
        extensionId: row.extensionId,
        rows: [],
        at: row.at,
        firstId: row.id,
      }
      groups.set(key, group)
    }
    group.rows.push(row)
    if (row.at > group.at) group.at = row.at
  }
  return [...groups.values()]
}

/** The events a group produces for one filter (none when the filter does not match). */
export function eventsFor(filter: EventFilter, group: ChangeGroup, base: Buffer): EventBody[] {
  if (filter.kind === 'reminder') return []
  if (filter.accountId !== group.accountId || filter.extensionId !== group.extensionId) return []
  if (filter.kind === 'message-store') {
    const rows = group.rows.filter(
      (r) =>
        (filter.type === undefined || r.type === filter.type) &&
        (filter.direction === undefined || r.direction === filter.direction),
    )
    if (rows.length === 0) return []
    return [{ event: filter.text, body: messageStoreBody(group, rows), at: group.at }]
  }
  const out: EventBody[] = []
  for (const row of group.rows) {
    if (row.kind !== 'new' || !row.record) continue
    if (!instantMatches(filter, row)) continue
    out.push({
      event: filter.text,
      body: JSON.parse(withBaseUrl(row.record, base).toString('utf8')),
      at: row.at,
    })
  }
  return out
}

function instantMatches(filter: EventFilter, row: OutboxRow): boolean {
  switch (filter.kind) {
    case 'instant':
      return row.direction === 'Inbound' && row.type === filter.type
    case 'fax':
      return row.type === 'Fax' && (filter.direction === undefined || row.direction === filter.direction)
    case 'voicemail':
      return row.type === 'VoiceMail' && row.direction === 'Inbound'
    default:
      return false
  }
}

interface TypeChanges {
  type: string
  newCount: number
  updatedCount: number
  newMessageIds: number[]
}

/**
 * `{ accountId, extensionId, lastUpdated, changes }`: per message type, how many messages
 * are new and how many changed. A message created and changed in one transaction counts
 * once, as new; a message changed twice counts once.
 */
export function messageStoreBody(group: ChangeGroup, rows: OutboxRow[]): Record<string, unknown> {
  const byType = new Map<string, { created: Set<number>; updated: Set<number> }>()
  for (const row of rows) {
    let entry = byType.get(row.type)
    if (!entry) {
      entry = { created: new Set(), updated: new Set() }
      byType.set(row.type, entry)
    }
    if (row.kind === 'new') entry.created.add(row.messageId)
    else entry.updated.add(row.messageId)
  }
  const changes: TypeChanges[] = []
  for (const [type, entry] of byType) {
    for (const id of entry.created) entry.updated.delete(id)
    changes.push({
      type,
      newCount: entry.created.size,
      updatedCount: entry.updated.size,
      newMessageIds: [...entry.created],
    })
  }
  return {
    accountId: group.accountId,
    extensionId: group.extensionId,
    lastUpdated: new Date(group.at).toISOString(),
    changes,
  }
}

export function envelope(event: EventBody, subscriptionId: string, ownerId: string): Envelope {
  return {
    uuid: randomUUID(),
    event: event.event,
    timestamp: new Date(event.at).toISOString(),
    subscriptionId,
    ownerId,
    body: event.body,
  }
}
