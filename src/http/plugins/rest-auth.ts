import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../../domain/errors.js'
import type { Principal } from '../../domain/principal.js'
import type { OAuthService } from '../../services/oauth/oauth.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal
  }
  interface FastifyContextConfig {
    /** The app permission an operation needs (`x-app-permission` in the OpenAPI file). */
    permission?: string
  }
}

/** A bearer token from the Authorization header, or the `access_token` query parameter. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header) {
    const m = /^bearer\s+(\S+)\s*$/i.exec(header)
    return m ? m[1] : undefined
  }
  const q = (request.query as Record<string, unknown> | undefined)?.access_token
  return typeof q === 'string' && q !== '' ? q : undefined
}

/**
 * Authenticates every request of the REST scope, then checks the app permission the
 * route declares, before anything else about the request is looked at.
 */
export function registerRestAuth(app: FastifyInstance, oauth: OAuthService): void {
  app.decorateRequest('principal', null as unknown as Principal)
  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request)
    if (!token) throw request.headers.authorization ? errors.tokenInvalid() : errors.authHeaderMissing()
    request.principal = await oauth.principal(token)
    const permission = request.routeOptions.config.permission
    if (permission && !request.principal.permissions.has(permission))
      throw errors.permissionRequired(permission)
  })
}
