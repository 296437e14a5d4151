import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'

/**
 * `GET /admin/v1/subscriptions` and `GET /admin/v1/subscriptions/{id}/deliveries`: every
 * subscription with its status, last delivery and failures, and a subscription's recent
 * delivery attempts, so a developer can see why a receiver got nothing.
 */
export function registerAdminSubscriptionRoutes(app: FastifyInstance, services: Services): void {
  const report = services.notifications.report
  app.get('/admin/v1/subscriptions', async () => ({ records: await report.all() }))
  app.get<{ Params: { id: string } }>('/admin/v1/subscriptions/:id/deliveries', async (request) => ({
    records: await report.deliveries(request.params.id),
  }))
}
