import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { registerInboxApi } from './api.js'
import { registerInboxEvents } from './events.js'

/** The web inbox's admin calls (JSON and the event stream); the page itself is in page.ts. */
export async function registerInboxAdminRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await registerInboxApi(app, services, services.inbox.directory)
  registerInboxEvents(app, services)
}
