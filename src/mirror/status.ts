import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import { iso } from '../lib/iso.js'
import { MirrorStateRepository } from '../storage/repositories/mirror-state.js'
import type { DB } from '../storage/schema.js'

/** One mirrored mailbox as `GET /admin/v1/mirror` reports it (docs/mirror.md). */
export interface MirrorMailboxStatus {
  accountId: string
  extensionId: string
  extensionNumber: string | null
  source: string
  lastSyncTime: string | null
  lastFullSyncTime: string | null
  syncTokenAgeSeconds: number | null
  messagesMirrored: number
  attachmentsMirrored: number
  errors: number
  lastError: string | null
  lastErrorTime: string | null
}

/** What `msgstore mirror` has done, read from the state it keeps in the database. */
export async function mirrorStatus(
  db: Kysely<DB>,
  clock: Clock,
  accountId?: string,
): Promise<MirrorMailboxStatus[]> {
  const now = clock.now()
  const at = (ms: number | null) => (ms === null ? null : iso(Number(ms)))
  return (await new MirrorStateRepository(db).list(accountId)).map((row) => ({
    accountId: row.account_id,
    extensionId: row.extension_id,
    extensionNumber: row.extension_number,
    source: row.source,
    lastSyncTime: at(row.last_sync_at),
    lastFullSyncTime: at(row.last_full_sync_at),
    syncTokenAgeSeconds:
      row.sync_token === null || row.token_issued_at === null
        ? null
        : Math.max(0, Math.round((now - Number(row.token_issued_at)) / 1000)),
    messagesMirrored: Number(row.messages_mirrored),
    attachmentsMirrored: Number(row.attachments_mirrored),
    errors: Number(row.errors),
    lastError: row.last_error,
    lastErrorTime: at(row.last_error_at),
  }))
}
