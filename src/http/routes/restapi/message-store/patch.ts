import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { updateHandler } from './bulk.js'
import type { MessageParams } from './params.js'

/**
 * patchMessage: `PATCH …/message-store/{messageId}` sets `readStatus` and/or restores a
 * Deleted message (`availability: Alive`); bulk syntax answers 207.
 */
export function registerPatchMessage(app: FastifyInstance, services: Services): void {
  app.patch<{ Params: MessageParams }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId',
    { config: { permission: 'EditMessages', mailbox: true } },
    updateHandler(services, 'PATCH'),
  )
}
