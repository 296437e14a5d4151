import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import type { Query } from '../../../../domain/message/list-query.js'
import { messageStorePath } from '../../../../domain/uris.js'
import { ByteLru } from '../../../../lib/byte-lru.js'
import { RecentKeys } from '../../../../lib/recent-keys.js'
import type { PageValidity } from '../../../../services/message-store.js'
import { renderMessageList } from '../../../presenters/message-list.js'
import type { MailboxParams } from './params.js'

const PAGE_CACHE_BYTES = 64 * 1024 * 1024
/** Queries remembered (keys only) to tell a repeated listing from one asked once. */
const QUERIES_REMEMBERED = 50_000

/**
 * listMessages: `GET …/extension/{extensionId}/message-store`.
 *
 * Clients poll their mailbox with the same query again and again. A rendered page is
 * kept, keyed by mailbox and query, with the mailbox's change number it was read at;
 * it is served again only after checking (one primary-key read) that the number has
 * not moved, so every node of a shared database answers exactly what a fresh read
 * would, and a stale copy is never served.
 *
 * A page is kept only when its query is asked the second time. Keeping every page read
 * once (a client paging through a mailbox, queries that never repeat) fills the kept
 * pages with buffers that outlive the young generation and die later in the old one:
 * measured on a store of 1,000,000 messages, the garbage collector then cost about
 * 300 µs of each such request, more than reading the page.
 */
export function registerListMessages(app: FastifyInstance, services: Services): void {
  const pages = new ByteLru<{ bytes: Buffer; validity: PageValidity }>(PAGE_CACHE_BYTES)
  const queries = new RecentKeys(QUERIES_REMEMBERED)
  app.get<{ Params: MailboxParams; Querystring: Query }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store',
    { config: { permission: 'ReadMessages', mailbox: true } },
    async (request, reply) => {
      const mailbox = request.mailbox
      const search = request.url.split('?', 2)[1] ?? ''
      const key = `${mailbox.extensionId}?${search}`
      reply.type('application/json; charset=utf-8')
      const kept = pages.get(key)
      if (kept && (await services.messages.stillValid(mailbox, kept.validity))) return reply.send(kept.bytes)

      const page = await services.messages.list(mailbox, request.query)
      // Links name the mailbox by its ids (not `~`), as RingCentral's do.
      const path = messageStorePath(mailbox)
      const bytes = renderMessageList(page, services.publicUrl.value, path, search)
      if (page.validity && queries.askedBefore(key)) pages.set(key, { bytes, validity: page.validity })
      else pages.delete(key)
      return reply.send(bytes)
    },
  )
}
