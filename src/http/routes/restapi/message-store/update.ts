import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { updateHandler } from './bulk.js'
import type { MessageParams } from './params.js'

/** updateMessage: `PUT …/message-store/{messageId}` sets `readStatus`; bulk syntax answers 207. */
export function registerUpdateMessage(app: FastifyInstance, services: Services): void {
  app.put<{ Params: MessageParams }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId',
    { config: { permission: 'EditMessages', mailbox: true } },
    updateHandler(services, 'PUT'),
  )
}
