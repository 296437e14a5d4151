import type { FastifyInstance } from 'fastify'
import { errors } from '../../domain/errors.js'
import { sameSecret } from '../../lib/secrets.js'

/** The admin API takes only the admin token; application tokens get a 401. */
export function registerAdminAuth(app: FastifyInstance, adminToken: string): void {
  app.addHook('onRequest', async (request) => {
    const m = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (!m || !sameSecret(m[1]!, adminToken)) {
      throw errors.adminTokenRequired()
    }
  })
}
