import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { errors } from '../../../../domain/errors.js'
import { withBaseUrl } from '../../../../domain/message/record.js'
import { messageStorePath } from '../../../../domain/uris.js'
import { type BulkItem, sendMultiStatus, wantsMultipartJson } from '../../../presenters/multipart.js'
import { type MessageParams, splitIds } from './params.js'

export const MAX_BULK_IDS = 50
const ID = /^\d{1,16}$/

/** readMessage: one id answers the record; `id1,id2,…` answers 207 with a part per id. */
export function registerReadMessage(app: FastifyInstance, services: Services): void {
  app.get<{ Params: MessageParams }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId',
    { config: { permission: 'ReadMessages', mailbox: true } },
    async (request, reply) => {
      const { messageId } = request.params
      const mailbox = request.mailbox
      const ids = splitIds(messageId)
      if (ids.length > MAX_BULK_IDS) throw errors.batchLimit(MAX_BULK_IDS)
      const numeric = ids.filter((id) => ID.test(id)).map(Number)
      const found = await services.messages.read(mailbox, numeric)
      const base = services.publicUrl.bytes
      if (ids.length === 1) {
        const record = ID.test(ids[0]!) ? found.get(Number(ids[0])) : undefined
        if (!record) throw errors.notFound('messageId')
        return reply.type('application/json; charset=utf-8').send(withBaseUrl(record, base))
      }
      const mailboxUri = `${services.publicUrl.value}${messageStorePath(mailbox)}`
      const notFound = Buffer.from(JSON.stringify(errors.notFound('messageId').body()))
      const items: BulkItem[] = ids.map((id) => {
        const record = ID.test(id) ? found.get(Number(id)) : undefined
        return {
          resourceId: id,
          href: `${mailboxUri}/${id}`,
          status: record ? 200 : 404,
          body: record ? withBaseUrl(record, base) : notFound,
        }
      })
      return sendMultiStatus(reply, items, wantsMultipartJson(request.headers.accept))
    },
  )
}
