import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../../app/services.js'
import { oauthErrors } from '../../../domain/errors.js'
import type { TokenRequest } from '../../../services/oauth/oauth.js'

/** A form body, with query parameters as a fallback (RingCentral accepts `token` in either). */
function formOf(request: FastifyRequest): TokenRequest {
  const body = request.body
  const form: TokenRequest = {}
  for (const source of [request.query, body]) {
    if (typeof source !== 'object' || source === null) continue
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      if (Array.isArray(value))
        throw oauthErrors.invalidRequest(`Request parameter duplication detected: [${key}]`)
      if (typeof value === 'string') form[key] = value
    }
  }
  return form
}

/** `/restapi/oauth/token` and `/restapi/oauth/revoke`. */
export function registerOAuthRoutes(app: FastifyInstance, services: Services): void {
  app.post('/restapi/oauth/token', async (request, reply) => {
    const form = formOf(request)
    const client = await services.oauth.authenticateClient(request.headers.authorization, form.client_id)
    const token = await services.oauth.token(client, form)
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token)
  })

  app.post('/restapi/oauth/revoke', async (request, reply) => {
    const form = formOf(request)
    const client = await services.oauth.authenticateClient(request.headers.authorization, form.client_id)
    await services.oauth.revoke(client, form.token)
    return reply.status(200).send()
  })
}
