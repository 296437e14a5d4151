import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import type { MailboxParams } from '../message-store/params.js'
import { replyWithRecord } from './reply.js'

/** createInternalTextMessage: a pager message to extensions, departments, or a thread (`replyOn`). */
export function registerCompanyPager(app: FastifyInstance, services: Services): void {
  app.post<{ Params: MailboxParams }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/company-pager',
    { config: { permission: 'InternalMessages' } },
    async (request, reply) => {
      const message = await services.sending.pager(request.principal, request.params, request.body)
      return replyWithRecord(reply, services, message)
    },
  )
}
