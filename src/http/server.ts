import multipart from '@fastify/multipart'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Services } from '../app/services.js'
import { ManualClock } from '../domain/clock.js'
import { registerErrorHandling } from './plugins/error-handler.js'
import { registerAdminRoutes } from './routes/admin/index.js'
import { registerOAuthRoutes } from './routes/oauth/index.js'
import { registerRestApi } from './routes/restapi/index.js'
import { registerSystemRoutes } from './routes/system.js'

const MAX_BODY = 50 * 1024 * 1024

/** Builds the HTTP application; it does not listen (see cli/serve.ts). */
export async function buildHttp(services: Services): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: services.config.logLevel },
    bodyLimit: MAX_BODY,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2000 },
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const form: Record<string, string | string[]> = {}
    for (const [key, value] of new URLSearchParams(body as string)) {
      const prior = form[key]
      form[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value]
    }
    done(null, form)
  })
  await app.register(multipart, { limits: { fileSize: MAX_BODY, files: 50, parts: 100 } })
  registerErrorHandling(app)
  const clock = services.clock
  if (clock instanceof ManualClock && clock.shared) {
    // Another node may have moved the shared manual clock since the last request.
    app.addHook('onRequest', async () => clock.refresh())
  }
  registerSystemRoutes(app, services)
  registerOAuthRoutes(app, services)
  await app.register(async (scope) => registerAdminRoutes(scope, services))
  await app.register(async (scope) => registerRestApi(scope, services))
  return app
}
