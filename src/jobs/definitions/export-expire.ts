import type { ExportService } from '../../services/exports.js'
import type { JobDefinition } from '../job.js'

export const EXPORT_EXPIRE = 'export-expire'

/** Removes a finished report's archives (files or blobs) and the task when its time is up. Safe to run again. */
export function exportExpireJob(exports: ExportService): JobDefinition<{ taskId: string }> {
  return {
    name: EXPORT_EXPIRE,
    transactional: false,
    handle: (payload, ctx) => exports.expire(payload.taskId, ctx),
  }
}
