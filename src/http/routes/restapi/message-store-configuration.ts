import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../../app/services.js'
import { errors } from '../../../domain/errors.js'
import { resolveAccount } from '../../../services/mailbox-access.js'

interface Params {
  accountId: string
}

/**
 * readMessageStoreConfiguration / updateMessageStoreConfiguration:
 * `GET|PUT /restapi/v1.0/account/{accountId}/message-store-configuration`. Account
 * administration: the caller must be a SuperAdmin of the account; the app needs
 * EditAccounts to change the settings and ReadAccounts (or EditAccounts) to read them.
 */
export function registerMessageStoreConfiguration(app: FastifyInstance, services: Services): void {
  const path = '/restapi/v1.0/account/:accountId/message-store-configuration'

  app.get<{ Params: Params }>(path, async (request) => {
    const { permissions } = request.principal
    if (!permissions.has('ReadAccounts') && !permissions.has('EditAccounts')) {
      throw errors.permissionRequired('ReadAccounts')
    }
    return services.storeConfiguration.read(administeredAccount(request))
  })

  app.put<{ Params: Params }>(path, { config: { permission: 'EditAccounts' } }, async (request) => {
    return services.storeConfiguration.update(administeredAccount(request), request.body)
  })
}

function administeredAccount(request: FastifyRequest<{ Params: Params }>): string {
  const accountId = resolveAccount(request.principal, request.params.accountId)
  if (request.principal.role !== 'SuperAdmin') throw errors.adminRequired()
  return accountId
}
