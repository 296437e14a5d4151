import { type JobDefinition, jobKind, type StandaloneContext } from '../../jobs/job.js'

export interface ExportTaskPayload {
  taskId: string
}

/**
 * Builds a message store report's archives. Long, so not transactional: it records each
 * finished archive and, run again after a crash or by another node, writes only the
 * missing ones. A failed attempt marks the task `AttemptFailed` and throws, and the runner
 * tries again after its backoff; the last attempt turns the task `Failed` instead.
 */
export const EXPORT_BUILD = jobKind<ExportTaskPayload>('export-build')

/** Removes a finished report's archives (files or blobs) and the task when its time is up. Safe to run again. */
export const EXPORT_EXPIRE = jobKind<ExportTaskPayload>('export-expire')

export interface ExportJobHandlers {
  build(taskId: string, ctx: StandaloneContext): Promise<void>
  expire(taskId: string, ctx: StandaloneContext): Promise<void>
}

export function exportJobs(
  exports: ExportJobHandlers,
  settings: { concurrency: number; maxAttempts: number },
): JobDefinition<ExportTaskPayload>[] {
  return [
    {
      kind: EXPORT_BUILD,
      transactional: false,
      // Tasks built at once across all nodes (--export-concurrency); the rest wait, Accepted.
      concurrency: settings.concurrency,
      maxAttempts: settings.maxAttempts,
      handle: (payload, ctx) => exports.build(payload.taskId, ctx),
    },
    {
      kind: EXPORT_EXPIRE,
      transactional: false,
      handle: (payload, ctx) => exports.expire(payload.taskId, ctx),
    },
  ]
}
