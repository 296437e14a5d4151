import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { renderReportArchives } from '../../../presenters/message-store-report.js'
import { REPORTS, type TaskParams } from './params.js'

/** readMessageStoreReportArchive: `GET …/message-store-report/{taskId}/archive` lists `{ size, uri }` per archive. */
export function registerListReportArchives(app: FastifyInstance, services: Services): void {
  app.get<{ Params: TaskParams }>(
    `${REPORTS}/:taskId/archive`,
    { config: { permission: 'ReadMessages' } },
    async (request) => {
      const { accountId, taskId } = request.params
      const { task, archives } = await services.exports.archives(request.principal, accountId, taskId)
      return renderReportArchives(task, archives, services.publicUrl.value)
    },
  )
}
