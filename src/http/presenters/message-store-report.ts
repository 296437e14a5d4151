import { taskTime } from '../../domain/export/task.js'
import { reportPath } from '../../domain/uris.js'
import type { ReportArchive, ReportTask } from '../../services/exports/report-api.js'

const taskUri = (task: Pick<ReportTask, 'id' | 'accountId'>, baseUrl: string) =>
  `${baseUrl}${reportPath(task.accountId, task.id)}`

/** The `MessageStoreReport` record, in the seed document's field order. */
export function renderReportTask(task: ReportTask, baseUrl: string): Record<string, unknown> {
  const record: Record<string, unknown> = {
    uri: taskUri(task, baseUrl),
    id: task.id,
    status: task.status,
    startTime: taskTime(task.createdAt),
  }
  if (task.finishTime !== null) record.finishTime = taskTime(task.finishTime)
  record.accountId = task.accountId
  record.extensionId = task.extensionId
  record.dateFrom = taskTime(task.dateFrom)
  record.dateTo = taskTime(task.dateTo)
  if (task.messageTypes) record.messageTypes = task.messageTypes
  return record
}

/** `MessageStoreReportArchive`: `{ size, uri }` per archive of the task. */
export function renderReportArchives(
  task: Pick<ReportTask, 'id' | 'accountId'>,
  archives: ReportArchive[],
  baseUrl: string,
): { records: { size: number; uri: string }[] } {
  return {
    records: archives.map((a) => ({ size: a.size, uri: `${taskUri(task, baseUrl)}/archive/${a.idx}` })),
  }
}
