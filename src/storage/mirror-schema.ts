import type { ColumnType } from 'kysely'

type Counter = ColumnType<number, number | undefined, number>

/** `msgstore mirror`'s state per mailbox (migration 0012). Times are integer milliseconds (UTC). */
export interface MirrorMailboxesTable {
  account_id: string
  extension_id: string
  source: string
  extension_number: string | null
  sync_token: string | null
  token_issued_at: number | null
  last_sync_at: number | null
  last_full_sync_at: number | null
  messages_mirrored: Counter
  attachments_mirrored: Counter
  errors: Counter
  last_error: string | null
  last_error_at: number | null
}

declare module './schema.js' {
  interface DB {
    mirror_mailboxes: MirrorMailboxesTable
  }
}
