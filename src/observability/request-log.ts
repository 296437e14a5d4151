import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import type { Metrics } from './metrics.js'

/** A request no route matched: one label for all of them, so a scan of random URLs adds no series. */
const UNMATCHED = '(unmatched)'

/**
 * One log line at `info` and the request series of `/metrics` for every answered
 * request. The line names the route's pattern, never the URL: a URL may carry an
 * `access_token` or a sync token. It replaces Fastify's own two lines per request,
 * which log the URL as sent.
 */
export function registerRequestObservation(app: FastifyInstance, metrics: Metrics): void {
  // The level is fixed at start; below info the line is not even built.
  const logging = (app.log as Logger).isLevelEnabled('info')
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED
    const status = reply.statusCode
    const ms = reply.elapsedTime
    metrics.requestAnswered(request.method, route, status, ms / 1000)
    if (!logging) return
    const { accountId, extensionId } = mailboxOf(request)
    request.log.info(
      {
        method: request.method,
        route,
        status,
        durationMs: Math.round(ms * 1000) / 1000,
        accountId,
        extensionId,
      },
      'request',
    )
  })
}

/** The caller's account and extension for REST calls; the ones the path names for admin calls. */
function mailboxOf(request: FastifyRequest): { accountId?: string; extensionId?: string } {
  const principal = (request as { principal?: { accountId: string; extensionId: string } | null }).principal
  if (principal) return { accountId: principal.accountId, extensionId: principal.extensionId }
  const params = request.params as Record<string, string | undefined> | undefined
  // `~` means "the caller's"; a request refused before authentication has no caller.
  const named = (id: string | undefined) => (id === '~' ? undefined : id)
  return { accountId: named(params?.accountId), extensionId: named(params?.extensionId) }
}
