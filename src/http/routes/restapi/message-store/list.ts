import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import type { Query } from '../../../../domain/message/list-query.js'
import { resolveMailbox } from '../../../../services/mailbox-access.js'
import { renderMessageList } from '../../../presenters/message-list.js'
import type { MailboxParams } from './params.js'

/** listMessages: `GET …/extension/{extensionId}/message-store`. */
export function registerListMessages(app: FastifyInstance, services: Services): void {
  app.get<{ Params: MailboxParams; Querystring: Query }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store',
    { config: { permission: 'ReadMessages' } },
    async (request, reply) => {
      const { accountId, extensionId } = request.params
      const mailbox = await resolveMailbox(services.db, request.principal, accountId, extensionId)
      const page = await services.messages.list(mailbox, request.query)
      // Links name the mailbox by its ids (not `~`), as RingCentral's do.
      const path = `/restapi/v1.0/account/${mailbox.accountId}/extension/${mailbox.extensionId}/message-store`
      const search = request.url.split('?', 2)[1] ?? ''
      const body = renderMessageList(page, services.publicUrl.value, path, search)
      return reply.type('application/json; charset=utf-8').send(Buffer.from(body))
    },
  )
}
