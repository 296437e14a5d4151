import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { booleanParam, enumValues, type Query } from '../../../../domain/message/list-query.js'
import type { BulkItem } from '../../../presenters/multipart.js'
import { sendMultiStatus } from '../../../presenters/multipart.js'
import { messageIdOf, readDeleteRequest, runBulk } from './bulk.js'
import { DELETE_TYPES } from './delete-by-filter.js'
import type { MessageParams } from './params.js'

/**
 * deleteMessage: `DELETE …/message-store/{messageId}`. The first call moves a message to
 * Deleted, the second to Purged (its attachment bytes are erased); `purge=true` purges at
 * once. 204; a bulk request where some id failed answers 207 with a status per id.
 */
export function registerDeleteMessage(app: FastifyInstance, services: Services): void {
  app.delete<{ Params: MessageParams; Querystring: Query }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId',
    { config: { permission: 'EditMessages', mailbox: true } },
    async (request, reply) => {
      const { messageId } = request.params
      const mailbox = request.mailbox
      const purge = booleanParam(request.query, 'purge') ?? false
      // `type` is part of the operation; ids name their messages, so it is only checked.
      enumValues(request.query, 'type', DELETE_TYPES)
      const parsed = readDeleteRequest(request, messageId)
      if (!parsed.bulk) {
        await services.messageChanges.delete(mailbox, messageIdOf(parsed.id), purge)
        return reply.status(204).send()
      }
      const items: BulkItem[] = await runBulk(services, mailbox, parsed.entries, () => ({
        kind: 'delete',
        purge,
      }))
      if (items.every((item) => item.status === 200)) return reply.status(204).send()
      return sendMultiStatus(reply, items, parsed.jsonAnswer)
    },
  )
}
