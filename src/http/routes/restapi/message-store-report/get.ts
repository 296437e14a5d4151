import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { renderReportTask } from '../../../presenters/message-store-report.js'
import { REPORTS, type TaskParams } from './params.js'

/** readMessageStoreReportTask: `GET …/message-store-report/{taskId}`. */
export function registerReadReportTask(app: FastifyInstance, services: Services): void {
  app.get<{ Params: TaskParams }>(
    `${REPORTS}/:taskId`,
    { config: { permission: 'ReadMessages' } },
    async (request) => {
      const { accountId, taskId } = request.params
      const task = await services.exports.get(request.principal, accountId, taskId)
      return renderReportTask(task, services.publicUrl.value)
    },
  )
}
