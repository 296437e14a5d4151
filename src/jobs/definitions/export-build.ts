import type { ExportService } from '../../services/exports.js'
import type { JobDefinition } from '../job.js'

export const EXPORT_BUILD = 'export-build'

/**
 * Builds a message store report's archives. Long, so not transactional: it records each
 * finished archive and, run again after a crash, writes only the missing ones. A failed
 * attempt marks the task `AttemptFailed` and throws, and the runner tries again after its
 * backoff; the task itself counts attempts and turns `Failed` after the last, well before
 * the runner's own limit.
 */
export function exportBuildJob(exports: ExportService): JobDefinition<{ taskId: string }> {
  return {
    name: EXPORT_BUILD,
    transactional: false,
    maxAttempts: 10,
    handle: (payload, ctx) => exports.build(payload.taskId, ctx),
  }
}
