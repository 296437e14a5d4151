import type { ColumnType, Generated } from 'kysely'

/**
 * The tables of migration 0008 (notifications), added to the `DB` interface of
 * schema.ts by declaration merging so that the notification code is typed like the rest.
 */
type Millis = ColumnType<number, number, number>

export interface SubscriptionsTable {
  id: string
  account_id: string
  extension_id: string
  client_id: string
  session_id: string
  transport: 'WebHook' | 'WebSocket'
  address: string | null
  verification_token: string | null
  /** JSON array of the filters with every `~` expanded. */
  event_filters: string
  status: 'Active' | 'Blacklisted'
  created_at: Millis
  expires_at: Millis
  expires_in: number
  blacklisted_at: number | null
  blacklist_reason: string | null
  /** Store-clock time of the first failed attempt since the last success. */
  failing_since: number | null
  failures: ColumnType<number, number | undefined, number>
  last_delivery_at: number | null
  last_delivery_status: string | null
  reminded_at: number | null
  /** Store-clock time before which no delivery is attempted (backoff after a failure). */
  next_attempt_at: number | null
  /** Real time until which one node holds the right to deliver this subscription's queue. */
  delivering_until: number | null
}

export interface NotificationOutboxTable {
  id: Generated<number>
  account_id: string
  extension_id: string
  /** The transaction that wrote the row: rows of one transaction make one notification. */
  txn: string
  message_id: number
  message_type: string
  direction: string
  kind: 'new' | 'updated' | 'removed'
  /** The stored record of a new message (what instant, fax and voicemail filters carry). */
  record: Buffer | null
  created_at: Millis
  posted_at: Millis
  fanned_out: ColumnType<number, number | undefined, number>
}

export interface WebhookQueueTable {
  id: Generated<number>
  subscription_id: string
  body: string
  created_at: Millis
}

export interface WebhookDeliveriesTable {
  id: Generated<number>
  subscription_id: string
  at: Millis
  status: number | null
  outcome: string
  duration_ms: number
  error: string | null
  body: string
}

export interface NotificationStateTable {
  id: number
}

declare module './schema.js' {
  interface DB {
    subscriptions: SubscriptionsTable
    notification_outbox: NotificationOutboxTable
    webhook_queue: WebhookQueueTable
    webhook_deliveries: WebhookDeliveriesTable
    notification_state: NotificationStateTable
  }
}
