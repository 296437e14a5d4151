import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { REPORTS, type TaskParams } from './params.js'

/** readMessageStoreReportArchive: `GET …/message-store-report/{taskId}/archive` lists `{ size, uri }` per archive. */
export function registerListReportArchives(app: FastifyInstance, services: Services): void {
  app.get<{ Params: TaskParams }>(
    `${REPORTS}/:taskId/archive`,
    { config: { permission: 'ReadMessages' } },
    async (request) => {
      const { accountId, taskId } = request.params
      return services.exports.archives(request.principal, accountId, taskId)
    },
  )
}
