import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import type { Query } from '../../../domain/message/list-query.js'
import { renderMessageSync } from '../../presenters/message-sync.js'
import type { MailboxParams } from './message-store/params.js'

/**
 * syncMessages: `GET …/extension/{extensionId}/message-sync`. `syncType=FSync` answers
 * the frame's records and a sync token; `syncType=ISync&syncToken=…` answers what
 * changed in the frame since (see services/sync.ts), and a new token.
 */
export function registerMessageSync(app: FastifyInstance, services: Services): void {
  app.get<{ Params: MailboxParams; Querystring: Query }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-sync',
    { config: { permission: 'ReadMessages', mailbox: true } },
    async (request, reply) => {
      const mailbox = request.mailbox
      const result = await services.sync.sync(mailbox, request.query)
      const [path, search = ''] = request.url.split('?', 2) as [string, string?]
      const body = renderMessageSync(result, services.publicUrl.value, path, search)
      return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(body)
    },
  )
}
