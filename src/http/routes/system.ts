import type { FastifyInstance } from 'fastify'
import type { Services } from '../../app/services.js'
import { API_ROOT } from '../../domain/uris.js'

const RELEASE_DATE = '2026-11-01T00:00:00.000Z'

/** `GET /restapi`, `GET /restapi/v1.0` and `GET /healthz`: no authentication. */
export function registerSystemRoutes(app: FastifyInstance, services: Services): void {
  const version = () => ({
    uri: `${services.publicUrl.value}${API_ROOT}`,
    versionString: '1.0.0',
    releaseDate: RELEASE_DATE,
    uriString: 'v1.0',
  })
  app.get('/restapi', async () => ({
    uri: `${services.publicUrl.value}/restapi`,
    apiVersions: [version()],
    serverVersion: '1.0.0',
    serverRevision: 'msgstore',
  }))
  app.get('/restapi/v1.0', async () => ({ ...version(), serverVersion: '1.0.0', serverRevision: 'msgstore' }))
  app.get('/healthz', async (_request, reply) => {
    if (await services.healthy()) return { status: 'ok' }
    return reply.status(503).send({ status: 'unavailable' })
  })
}
