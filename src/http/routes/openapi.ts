import type { FastifyInstance } from 'fastify'
import type { Services } from '../../app/services.js'
import { servedDocument } from '../openapi/document.js'

/**
 * `GET /restapi/openapi.json`: the OpenAPI description of what this server implements,
 * built from the routes it registered (see openapi/document.ts). No token needed.
 */
export function registerOpenApiRoute(app: FastifyInstance, services: Services): void {
  const routes: { method: string; url: string }[] = []
  registered.set(app, routes)
  app.addHook('onRoute', (route) => {
    if (route.url !== '/restapi' && !route.url.startsWith('/restapi/')) return
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method !== 'HEAD') routes.push({ method, url: route.url })
    }
  })
  let body: string | undefined
  app.get('/restapi/openapi.json', async (_request, reply) => {
    body ??= JSON.stringify(servedDocument(routes, services.publicUrl.value))
    return reply.type('application/json; charset=utf-8').send(body)
  })
}

const registered = new WeakMap<FastifyInstance, readonly { method: string; url: string }[]>()

/** The REST and OAuth routes an application registered (what the served description is built from). */
export function registeredApiRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return registered.get(app) ?? []
}
