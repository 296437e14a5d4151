import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { errors } from '../../../../domain/errors.js'
import type { MailboxParams } from '../message-store/params.js'
import { MB, replyWithRecord } from './reply.js'
import { readSendBody } from './send-body.js'

/**
 * createFaxMessage: multipart/form-data or multipart/mixed with the envelope and the
 * documents; or JSON with `originalMessageId` to re-send or forward an earlier fax.
 */
export function registerSendFax(app: FastifyInstance, services: Services): void {
  app.post<{ Params: MailboxParams }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/fax',
    { config: { permission: 'Faxes' }, bodyLimit: 55 * MB },
    async (request, reply) => {
      const { envelope, files } = readSendBody(request.body, () =>
        errors.faxEnvelope('the JSON part is not valid JSON'),
      )
      const message = await services.sending.fax(request.principal, request.params, envelope, files)
      return replyWithRecord(reply, services, message)
    },
  )
}
