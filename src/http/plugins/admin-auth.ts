import type { FastifyInstance } from 'fastify'
import { errors } from '../../domain/errors.js'
import { sameSecret } from '../../lib/secrets.js'
import type { InboxLogin } from '../../services/inbox/login.js'

/**
 * The admin API takes only the admin token; application tokens get a 401. A browser
 * logged in to the web inbox carries its cookie instead (SameSite=Strict, so another
 * site's page cannot use it).
 */
export function registerAdminAuth(app: FastifyInstance, adminToken: string, inbox?: InboxLogin): void {
  app.addHook('onRequest', async (request) => {
    if (!request.headers.authorization && inbox?.hasSession(request.headers.cookie)) return
    const m = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (!m || !sameSecret(m[1]!, adminToken)) {
      throw errors.adminTokenRequired()
    }
  })
}
