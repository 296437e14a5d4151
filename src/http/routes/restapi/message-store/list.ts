import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import type { Query } from '../../../../domain/message/list-query.js'
import { ByteLru } from '../../../../lib/byte-lru.js'
import { resolveMailbox } from '../../../../services/mailbox-access.js'
import type { PageValidity } from '../../../../services/message-store.js'
import { renderMessageList } from '../../../presenters/message-list.js'
import type { MailboxParams } from './params.js'

const PAGE_CACHE_BYTES = 64 * 1024 * 1024

/**
 * listMessages: `GET …/extension/{extensionId}/message-store`.
 *
 * Clients poll their mailbox with the same query again and again. A rendered page is
 * kept, keyed by mailbox and query, with the mailbox's change number it was read at;
 * it is served again only after checking (one primary-key read) that the number has
 * not moved, so every node of a shared database answers exactly what a fresh read
 * would, and a stale copy is never served.
 */
export function registerListMessages(app: FastifyInstance, services: Services): void {
  const pages = new ByteLru<{ bytes: Buffer; validity: PageValidity }>(PAGE_CACHE_BYTES)
  app.get<{ Params: MailboxParams; Querystring: Query }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store',
    { config: { permission: 'ReadMessages' } },
    async (request, reply) => {
      const { accountId, extensionId } = request.params
      const mailbox = await resolveMailbox(services.db, request.principal, accountId, extensionId)
      const search = request.url.split('?', 2)[1] ?? ''
      const key = `${mailbox.extensionId}?${search}`
      reply.type('application/json; charset=utf-8')
      const kept = pages.get(key)
      if (kept && (await services.messages.stillValid(mailbox, kept.validity))) return reply.send(kept.bytes)

      const page = await services.messages.list(mailbox, request.query)
      // Links name the mailbox by its ids (not `~`), as RingCentral's do.
      const path = `/restapi/v1.0/account/${mailbox.accountId}/extension/${mailbox.extensionId}/message-store`
      const bytes = renderMessageList(page, services.publicUrl.value, path, search)
      if (page.validity) pages.set(key, { bytes, validity: page.validity })
      else pages.delete(key)
      return reply.send(bytes)
    },
  )
}
