import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { errors } from '../../../../domain/errors.js'
import type { MailboxParams } from '../message-store/params.js'
import { MB, replyWithRecord } from './reply.js'
import { readSendBody } from './send-body.js'

/** createMMS: the alias of `/sms` for messages with attachments (multipart/form-data or mixed). */
export function registerSendMms(app: FastifyInstance, services: Services): void {
  app.post<{ Params: MailboxParams }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/mms',
    { config: { permission: 'SMS' }, bodyLimit: 10 * MB },
    async (request, reply) => {
      const { envelope, files } = readSendBody(request.body, errors.badJson)
      const message = await services.sending.mms(request.principal, request.params, envelope, files ?? [])
      return replyWithRecord(reply, services, message)
    },
  )
}
