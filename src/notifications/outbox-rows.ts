import type { OutboxRow } from './events.js'

/** The most outbox rows one read takes. */
export const OUTBOX_BATCH = 1000

/** What a pass reads of an outbox row. */
export const OUTBOX_COLUMNS = [
  'id',
  'account_id',
  'extension_id',
  'txn',
  'message_id',
  'message_type',
  'direction',
  'kind',
  'record',
  'created_at',
  'posted_at',
] as const

export interface OutboxSelect {
  id: number
  account_id: string
  extension_id: string
  txn: string
  message_id: number
  message_type: string
  direction: string
  kind: 'new' | 'updated' | 'removed'
  record: Buffer | null
  created_at: number
  posted_at: number
}

export function toRow(r: OutboxSelect): OutboxRow {
  return {
    id: Number(r.id),
    accountId: r.account_id,
    extensionId: r.extension_id,
    txn: r.txn,
    messageId: Number(r.message_id),
    type: r.message_type,
    direction: r.direction,
    kind: r.kind,
    record: r.record,
    at: Number(r.created_at),
  }
}
