import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'

/** `GET /admin/v1/mirror[?accountId=]`: what `msgstore mirror` has done, per mirrored mailbox (docs/mirror.md). */
export function registerAdminMirrorRoute(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: { accountId?: string } }>('/admin/v1/mirror', async (request) => {
    const accountId = typeof request.query.accountId === 'string' ? request.query.accountId : undefined
    return { records: await services.mirrorStatus(accountId) }
  })
}
