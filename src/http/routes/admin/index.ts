import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { ManualClock } from '../../../domain/clock.js'
import { errors } from '../../../domain/errors.js'
import { iso, parseIsoDate, parseIsoDuration } from '../../../lib/iso.js'
import { registerAdminAuth } from '../../plugins/admin-auth.js'
import { registerInboxAdminRoutes } from '../inbox/index.js'
import { registerInboundRoute } from './inbound.js'
import { registerAdminMirrorRoute } from './mirror.js'
import { registerAdminSubscriptionRoutes } from './subscriptions.js'
import { registerTestControlRoutes } from './test-controls.js'

/** The operator's API under `/admin/v1`, guarded by the admin token. */
export async function registerAdminRoutes(app: FastifyInstance, services: Services): Promise<void> {
  registerAdminAuth(app, services.config.adminToken, services.inbox.login)

  app.post('/admin/v1/provision', async (request) => services.provision(request.body))

  app.post<{ Params: { accountId: string; extensionId: string } }>(
    '/admin/v1/accounts/:accountId/extensions/:extensionId/jwt',
    async (request) => {
      const { accountId, extensionId } = request.params
      return { jwt: await services.oauth.issueJwt(accountId, extensionId) }
    },
  )

  registerInboundRoute(app, services)
  registerTestControlRoutes(app, services)
  registerAdminSubscriptionRoutes(app, services)
  await registerInboxAdminRoutes(app, services)
  registerAdminMirrorRoute(app, services)

  const clockState = () => ({ mode: services.clock.mode, now: iso(services.clock.now()) })
  app.get('/admin/v1/clock', async () => {
    if (services.clock instanceof ManualClock) await services.clock.refresh()
    return clockState()
  })
  app.post('/admin/v1/clock', async (request) => {
    const clock = services.clock
    if (!(clock instanceof ManualClock)) throw errors.clockNotManual()
    const body = (request.body ?? {}) as Record<string, unknown>
    let target: number
    if (typeof body.advance === 'string') {
      const ms = parseIsoDuration(body.advance)
      if (ms === undefined)
        throw errors.invalidValue('advance', 'expected an ISO 8601 duration such as PT36H')
      target = clock.now() + ms
    } else if (typeof body.set === 'string') {
      const at = parseIsoDate(body.set)
      if (at === undefined) throw errors.invalidValue('set', 'expected an ISO 8601 date-time')
      if (at < clock.now()) throw errors.invalidValue('set', 'the clock never moves backwards')
      target = at
    } else {
      throw errors.invalidValue('advance', 'give "advance" (an ISO 8601 duration) or "set" (a date-time)')
    }
    if (!(await clock.moveTo(target))) throw errors.invalidValue('set', 'the clock never moves backwards')
    // Everything that came due runs before the answer, as the operator interface promises.
    await services.jobs.settle()
    return clockState()
  })
}
