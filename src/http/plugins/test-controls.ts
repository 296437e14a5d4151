import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GATEWAY_REQUEST_HEADER, GATEWAY_REQUEST_MARK } from '../../notifications/ws-client-requests.js'
import type { TestControls } from '../../test-controls/controls.js'
import type { Group } from '../../test-controls/rate-limits/limiter.js'
import { throttlingGroup } from '../openapi/document.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's throttling group (`x-throttling-group`), set when the route is registered. */
    throttlingGroup?: Group
  }
}

const isApi = (url: string) => url.startsWith('/restapi/')

/**
 * The hooks of the test controls, one each, for the REST and OAuth endpoints. Each
 * costs a property read when its control is unused: faults check an empty list, rate
 * limits a flag; the journal copies the request's head and the start of its answer into
 * buffers it reuses (test-controls/journal-heads.ts, journal-bodies.ts).
 *
 * Must be registered before any route, so that routes get their throttling group.
 */
export function registerTestControlHooks(app: FastifyInstance, controls: TestControls, hooks = true): void {
  app.addHook('onRoute', (route) => {
    if (!isApi(route.url) && route.url !== '/restapi') return
    const method = Array.isArray(route.method) ? route.method[0]! : route.method
    const group = throttlingGroup(method, route.url)
    if (group) route.config = { ...(route.config as object), throttlingGroup: group as Group }
  })

  // The bench's baseline (bench/controls.ts): the same build without the controls' hooks.
  if (!hooks) return

  const faults = controls.faults
  app.addHook('onRequest', (request, reply, done) => {
    if (faults.empty || !request.url.startsWith('/restapi')) return done()
    // A WebSocket ClientRequest's REST call: the gateway applied the rules to the frame.
    if (request.headers[GATEWAY_REQUEST_HEADER] === GATEWAY_REQUEST_MARK) return done()
    faults.check(request.method, request.url).then((action) => {
      if (!action) return done()
      const go = () => {
        if (action.drop) {
          // No answer at all: the client sees the connection close.
          reply.hijack()
          request.raw.socket.destroy()
          return
        }
        done(action.error)
      }
      if (action.delayMs > 0) setTimeout(go, action.delayMs)
      else go()
    }, done)
  })

  const limits = controls.rateLimits
  // After authentication (a preHandler runs after every onRequest hook), so the caller is known.
  app.addHook('preHandler', (request, reply, done) => {
    if (!limits.enabled) return done()
    const group = request.routeOptions.config?.throttlingGroup
    if (!group) return done()
    const decision = limits.take(group, callerKey(request))
    reply.headers(decision.headers)
    done(decision.refusal)
  })

  const journal = controls.journal
  if (journal) {
    app.addHook('onSend', (request, reply, payload, done) => {
      if (isApi(request.url) || request.url === '/restapi')
        journal.record(request, reply as FastifyReply, payload)
      done(null, payload)
    })
  }
}

/** Per app and extension: the token's caller, or for the OAuth endpoints the client and the user named. */
function callerKey(request: FastifyRequest): string {
  const principal = request.principal as FastifyRequest['principal'] | null
  if (principal) return `${principal.clientId}|${principal.extensionId}`
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >
  const basic = /^basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  const client = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':', 1)[0] : body.client_id
  return `${String(client ?? '')}|${String(body.username ?? body.refresh_token ?? body.token ?? '')}`
}
