import type { FastifyInstance } from 'fastify'
import type { Services } from '../../app/services.js'
import { registerAdminAuth } from '../plugins/admin-auth.js'

/** `GET /metrics`: Prometheus text; the admin token is needed unless `--metrics-open`. */
export async function registerMetricsRoute(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    if (!services.config.metricsOpen) registerAdminAuth(scope, services.config.adminToken)
    scope.get('/metrics', async (_request, reply) => {
      const text = await services.metrics.text()
      return reply.type(services.metrics.contentType).send(text)
    })
  })
}
