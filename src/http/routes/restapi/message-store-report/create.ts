import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { renderReportTask } from '../../../presenters/message-store-report.js'
import { REPORTS, type ReportParams } from './params.js'

/** createMessageStoreReport: `POST …/message-store-report` answers 202 with the new task. */
export function registerCreateReport(app: FastifyInstance, services: Services): void {
  app.post<{ Params: ReportParams }>(
    REPORTS,
    { config: { permission: 'ReadMessages' } },
    async (request, reply) => {
      const task = await services.exports.create(request.principal, request.params.accountId, request.body)
      return reply.status(202).send(renderReportTask(task, services.publicUrl.value))
    },
  )
}
