import { type JobContext, type JobDefinition, jobKind } from '../../jobs/job.js'

export interface ExportTaskPayload {
  taskId: string
}

/**
 * Builds a message store report's archives. Long, so not transactional: it records each
 * finished archive and, run again after a crash, writes only the missing ones. A failed
 * attempt marks the task `AttemptFailed` and throws, and the runner tries again after its
 * backoff; the task itself counts attempts and turns `Failed` after the last, well before
 * the runner's own limit. (storage/repositories/export-tasks.ts finds these rows by their
 * version-1 payload text, `{"taskId":"…"}`: a new version must change that query too.)
 */
export const EXPORT_BUILD = jobKind<ExportTaskPayload>('export-build')

/** Removes a finished report's archives (files or blobs) and the task when its time is up. Safe to run again. */
export const EXPORT_EXPIRE = jobKind<ExportTaskPayload>('export-expire')

export interface ExportJobHandlers {
  build(taskId: string, ctx: JobContext): Promise<void>
  expire(taskId: string, ctx: JobContext): Promise<void>
}

export function exportJobs(exports: ExportJobHandlers): JobDefinition<ExportTaskPayload>[] {
  return [
    {
      kind: EXPORT_BUILD,
      transactional: false,
      maxAttempts: 10,
      handle: (payload, ctx) => exports.build(payload.taskId, ctx),
    },
    {
      kind: EXPORT_EXPIRE,
      transactional: false,
      handle: (payload, ctx) => exports.expire(payload.taskId, ctx),
    },
  ]
}
