import multipart from '@fastify/multipart'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify'
import type { Services } from '../app/services.js'
import { ManualClock } from '../domain/clock.js'
import { errors } from '../domain/errors.js'
import { registerRequestObservation } from '../observability/request-log.js'
import { registerBulkBodyParsers } from './plugins/bulk-bodies.js'
import { answerClientError, registerExpectations } from './plugins/client-errors.js'
import { registerErrorHandling } from './plugins/error-handler.js'
import { registerMethodRouting } from './plugins/method-routing.js'
import { registerNulGuard } from './plugins/nul-guard.js'
import { registerTestControlHooks } from './plugins/test-controls.js'
import { registerAdminRoutes } from './routes/admin/index.js'
import { registerInboxPage } from './routes/inbox/page.js'
import { registerMetricsRoute } from './routes/metrics.js'
import { registerOAuthRoutes } from './routes/oauth/index.js'
import { registerOpenApiRoute } from './routes/openapi.js'
import { registerRestApi } from './routes/restapi/index.js'
import { registerSystemRoutes } from './routes/system.js'

const MAX_BODY = 50 * 1024 * 1024
/** Inbound attachment files stream to the blob store as they arrive, so they may be large. */
const MAX_INBOUND_FILE = 1024 * 1024 * 1024

/** Builds the HTTP application; it does not listen (see cli/serve.ts). */
/**
 * What a program embedding msgstore adds to its HTTP app: the benchmark's own entry
 * (bench/server.ts) adds its baseline routes and turns the test controls' hooks off for
 * its baseline. `msgstore serve` adds nothing.
 */
export interface HttpExtensions {
  /** Registered after the built-in plugins and before the API routes. */
  routes?: (app: FastifyInstance) => void
  /** false: leave the test controls' hooks out (the bench's measure of their cost). */
  testControlHooks?: boolean
}

export async function buildHttp(
  services: Services,
  extensions: HttpExtensions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    bodyLimit: MAX_BODY,
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    // observability/request-log.ts writes one line per request, naming the route rather than the URL.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2000 },
    // Fastify answers a URL it cannot decode before any route or error handler runs; give it our body.
    frameworkErrors: (err, _request, reply) => {
      const error = errors.unparsableRequest(err.message)
      ;(reply as FastifyReply).status(error.status).type('application/json; charset=utf-8').send(error.body())
    },
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const form: Record<string, string | string[]> = {}
    for (const [key, value] of new URLSearchParams(body as string)) {
      const prior = form[key]
      form[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value]
    }
    done(null, form)
  })
  await app.register(multipart, { limits: { fileSize: MAX_INBOUND_FILE, files: 50, parts: 100 } })
  // Bulk request bodies: multipart/mixed and application/vnd.ringcentral.multipart+json.
  registerBulkBodyParsers(app)
  registerErrorHandling(app)
  registerNulGuard(app)
  registerMethodRouting(app)
  registerExpectations(app)
  registerRequestObservation(app, services.metrics)
  const clock = services.clock
  if (clock instanceof ManualClock && clock.shared) {
    // Another node may have moved the shared manual clock since the last request.
    app.addHook('onRequest', async () => clock.refresh())
  }
  // Before any route: the hooks give each route its throttling group as it is registered.
  registerTestControlHooks(app, services.controls, extensions.testControlHooks !== false)
  registerOpenApiRoute(app, services)
  registerSystemRoutes(app, services)
  registerOAuthRoutes(app, services)
  await registerMetricsRoute(app, services)
  extensions.routes?.(app)
  registerInboxPage(app, services.inbox.login)
  await app.register(async (scope) => registerAdminRoutes(scope, services))
  await app.register(async (scope) => registerRestApi(scope, services))
  services.notifications.attach(app)
  return app
}
