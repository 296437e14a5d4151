export interface ReportParams {
  accountId: string
}

export interface TaskParams extends ReportParams {
  taskId: string
}

export interface ArchiveParams extends TaskParams {
  archiveId: string
}

export const REPORTS = '/restapi/v1.0/account/:accountId/message-store-report'
