import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { allowEmptyJsonBodies } from '../message-store/bulk.js'
import { registerListReportArchives } from './archives.js'
import { registerCreateReport } from './create.js'
import { registerDownloadReportArchive } from './download.js'
import { registerReadReportTask } from './get.js'

/** The Message Exports calls: report tasks, their archive list, and archive downloads. */
export function registerMessageStoreReports(app: FastifyInstance, services: Services): void {
  registerReadReportTask(app, services)
  registerListReportArchives(app, services)
  registerDownloadReportArchive(app, services)
  // Every field of the create body is optional: an empty body is an empty object.
  app.register(async (scope) => {
    allowEmptyJsonBodies(scope)
    registerCreateReport(scope, services)
  })
}
