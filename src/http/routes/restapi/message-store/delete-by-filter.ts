import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { errors } from '../../../../domain/errors.js'
import {
  booleanParam,
  dateParam,
  enumValues,
  type Query,
  values,
} from '../../../../domain/message/list-query.js'
import { MESSAGE_TYPES, type MessageType } from '../../../../domain/message/model.js'
import type { MailboxParams } from './params.js'

export const DELETE_TYPES = [...MESSAGE_TYPES, 'All'] as const

/**
 * deleteMessageByFilter: `DELETE …/message-store?conversationId=…&dateTo=…&type=…`.
 * Moves the matching Alive messages to Deleted (`purge=true`: every matching message not
 * yet Purged to Purged). `dateTo` is exclusive; without it every message up to now
 * matches. Without any filter the whole mailbox is emptied, as the OpenAPI file warns.
 */
export function registerDeleteMessagesByFilter(app: FastifyInstance, services: Services): void {
  app.delete<{ Params: MailboxParams; Querystring: Query }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store',
    { config: { permission: 'EditMessages', mailbox: true } },
    async (request, reply) => {
      const mailbox = request.mailbox
      const query = request.query
      const conversationIds = values(query, 'conversationId')?.map((text) => {
        if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
          throw errors.invalidParameter('conversationId', 'Expected a conversation id.')
        }
        return Number(text)
      })
      const types = enumValues(query, 'type', DELETE_TYPES)
      const purge = booleanParam(query, 'purge') ?? false
      // "Received earlier than now": with the manual clock a message may carry exactly now.
      const dateTo = dateParam(query, 'dateTo') ?? services.clock.now() + 1
      await services.messageChanges.deleteByFilter(mailbox, {
        dateTo,
        conversationIds,
        types: !types || types.includes('All') ? undefined : (types as MessageType[]),
        purge,
      })
      return reply.status(204).send()
    },
  )
}
