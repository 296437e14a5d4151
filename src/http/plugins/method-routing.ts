import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
// Fastify's own router, kept beside it with every route's path and method: Fastify
// answers "not found" for a wrong method on a known path and offers no lookup of a
// concrete URL across methods, which the 405 answer and its Allow header need.
import FindMyWay from 'find-my-way'
import { type ApiError, errors } from '../../domain/errors.js'

const routers = new WeakMap<object, FindMyWay.Instance<FindMyWay.HTTPVersion.V1>>()
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** Records each route's path and methods as it is added (register before any route). */
export function registerMethodRouting(app: FastifyInstance): void {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 2000 })
  routers.set(app.server, router)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!METHODS.includes(method)) continue
      try {
        router.on(method as FindMyWay.HTTPMethod, route.url, () => {})
      } catch {
        // The same method and path twice (a HEAD Fastify adds beside a GET): once is enough.
      }
    }
  })
}

/**
 * No route for this method and path: 405 with an Allow header when the path has routes
 * for other methods, else 404 `CMN-120`. RingCentral's catalogue has no code of its own
 * for a wrong method; `CMN-120` (Invalid URI) is the closest.
 */
export function answerNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const router = routers.get(request.server.server)
  const path = request.url.split('?')[0] ?? '/'
  const allowed = router ? METHODS.filter((m) => router.find(m as FindMyWay.HTTPMethod, path) !== null) : []
  const error: ApiError = allowed.length ? errors.methodNotAllowed(request.method) : errors.invalidUri()
  if (allowed.length) reply.header('allow', allowed.join(', '))
  return reply.status(error.status).type('application/json; charset=utf-8').send(error.body())
}
