import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { iso } from '../../../lib/iso.js'
import { MirrorStateRepository } from '../../../storage/repositories/mirror-state.js'

/**
 * `GET /admin/v1/mirror[?accountId=]`: what `msgstore mirror` has done, per mirrored
 * mailbox, read from the state it keeps in the database (docs/mirror.md).
 */
export function registerAdminMirrorRoute(app: FastifyInstance, services: Services): void {
  const state = new MirrorStateRepository(services.db)
  app.get<{ Querystring: { accountId?: string } }>('/admin/v1/mirror', async (request) => {
    const accountId = typeof request.query.accountId === 'string' ? request.query.accountId : undefined
    const now = services.clock.now()
    const at = (ms: number | null) => (ms === null ? null : iso(Number(ms)))
    const records = (await state.list(accountId)).map((row) => ({
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
    return { records }
  })
}
