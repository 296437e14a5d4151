import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../../app/services.js'
import { SUBSCRIPTION_PERMISSION } from '../../../notifications/subscriptions.js'
import { bearerToken } from '../../plugins/rest-auth.js'
import { allowEmptyJsonBodies } from './message-store/bulk.js'

interface Params {
  id: string
}

/**
 * The subscription API (`/restapi/v1.0/subscription…`) and `POST /restapi/oauth/wstoken`,
 * which opens the WebSocket gateway. The work is in src/notifications/.
 */
export function registerSubscriptions(app: FastifyInstance, services: Services): void {
  const subs = services.notifications.subscriptions
  const caller = (request: FastifyRequest) => ({ principal: request.principal })

  app.register(async (scope) => {
    // Clients send these calls with a JSON content type and no body.
    allowEmptyJsonBodies(scope)
    scope.post(
      '/restapi/oauth/wstoken',
      { config: { permission: SUBSCRIPTION_PERMISSION } },
      async (request) => services.notifications.wsToken(bearerToken(request)!),
    )
    scope.post('/restapi/v1.0/subscription', async (request) => subs.create(caller(request), request.body))
    scope.get('/restapi/v1.0/subscription', async (request) => subs.list(request.principal))
    scope.get<{ Params: Params }>('/restapi/v1.0/subscription/:id', async (request) =>
      subs.get(caller(request), request.params.id),
    )
    scope.put<{ Params: Params }>('/restapi/v1.0/subscription/:id', async (request) =>
      subs.update(caller(request), request.params.id, request.body),
    )
    scope.post<{ Params: Params }>('/restapi/v1.0/subscription/:id/renew', async (request) =>
      subs.renew(caller(request), request.params.id),
    )
    scope.delete<{ Params: Params }>('/restapi/v1.0/subscription/:id', async (request, reply) => {
      await subs.remove(caller(request), request.params.id)
      return reply.status(204).send()
    })
  })
}
