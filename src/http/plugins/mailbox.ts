import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { MailboxKey, MailboxPath } from '../../domain/mailbox.js'
import type { MailboxAccess } from '../../services/mailbox-access.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The mailbox the route's `:accountId/extension/:extensionId` name, once the caller may open it. */
    mailbox: MailboxKey
  }
  interface FastifyContextConfig {
    /** The route works on the mailbox its path names: resolve it before the handler runs. */
    mailbox?: boolean
  }
}

/**
 * Resolves the mailbox of every route that declares `config.mailbox`, once, before its
 * handler (after authentication and the app-permission check), and puts it on the
 * request: routes never look a mailbox up themselves. Attached per route, so that the
 * routes without a mailbox pay nothing for it. Register before the routes of the scope.
 */
export function registerMailboxHook(app: FastifyInstance, mailboxes: MailboxAccess): void {
  app.decorateRequest('mailbox', null as unknown as MailboxKey)
  const resolve: preHandlerAsyncHookHandler = async (request: FastifyRequest) => {
    const { accountId, extensionId } = request.params as MailboxPath
    request.mailbox = await mailboxes.resolve(request.principal, accountId, extensionId)
  }
  app.addHook('onRoute', (route) => {
    if (!(route.config as { mailbox?: boolean } | undefined)?.mailbox) return
    const own = route.preHandler === undefined ? [] : [route.preHandler].flat()
    route.preHandler = [resolve, ...own]
  })
}
