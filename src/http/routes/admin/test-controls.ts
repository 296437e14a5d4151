import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { errors } from '../../../domain/errors.js'
import { parseFaultRule } from '../../../test-controls/faults/rule.js'
import { parseJournalFilter } from '../../../test-controls/journal.js'
import { parseMessageSearch } from '../../../test-controls/messages.js'
import { mergeSettings } from '../../../test-controls/rate-limits/limiter.js'

type ExtensionParams = { accountId: string; extensionId: string }

/** The test controls of the admin API (docs/test-controls.md); the admin token guards them. */
export function registerTestControlRoutes(app: FastifyInstance, services: Services): void {
  const controls = services.controls

  app.post('/admin/v1/reset', async (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const keep = body.keep ?? 'accounts'
    if (keep !== 'accounts' && keep !== 'nothing')
      throw errors.invalidParameter('keep', 'Allowed values: accounts, nothing.')
    await controls.reset({ keep })
    return { reset: keep === 'accounts' ? 'mailboxes' : 'everything' }
  })

  app.post<{ Params: { accountId: string } }>('/admin/v1/accounts/:accountId/reset', async (request) => {
    const { accountId } = request.params
    if (!(await controls.hasAccount(accountId))) throw errors.notFound('accountId')
    await controls.reset({ accountId })
    return { reset: `account ${accountId}` }
  })

  app.get('/admin/v1/messages', async (request) =>
    controls.searchMessages(
      parseMessageSearch(request.query as Record<string, unknown>),
      services.publicUrl.value,
    ),
  )

  app.get('/admin/v1/requests', async (request) => {
    const filter = parseJournalFilter(request.query as Record<string, unknown>)
    return { requests: controls.journal?.list(filter) ?? [] }
  })
  app.delete('/admin/v1/requests', async () => {
    controls.journal?.clear()
    return { requests: [] }
  })

  app.post('/admin/v1/faults', async (request, reply) => {
    const rule = await controls.faults.add(parseFaultRule(request.body))
    return reply.status(201).send(rule)
  })
  app.get('/admin/v1/faults', async () => ({ faults: await controls.faults.list() }))
  app.delete('/admin/v1/faults', async () => {
    await controls.faults.removeAll()
    return { faults: [] }
  })
  app.delete<{ Params: { faultId: string } }>('/admin/v1/faults/:faultId', async (request, reply) => {
    await controls.faults.remove(request.params.faultId)
    return reply.status(204).send()
  })

  app.post<{ Params: ExtensionParams }>(
    '/admin/v1/accounts/:accountId/extensions/:extensionId/expire-tokens',
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      const refresh = body.refresh ?? false
      if (typeof refresh !== 'boolean') throw errors.invalidParameter('refresh', 'Expected true or false.')
      const expired = await controls.expireTokens(request.params, refresh)
      return { expired, refresh }
    },
  )
  app.post<{ Params: ExtensionParams }>(
    '/admin/v1/accounts/:accountId/extensions/:extensionId/expire-sync-tokens',
    async (request) => {
      await controls.expireSyncTokens(request.params)
      return { expired: true }
    },
  )

  app.get('/admin/v1/rate-limits', async () => controls.rateLimits.read())
  app.put('/admin/v1/rate-limits', async (request) =>
    controls.rateLimits.update(mergeSettings(controls.rateLimits.read(), request.body)),
  )
}
