import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { errors } from '../../../domain/errors.js'
import type { MailboxKey } from '../../../domain/mailbox.js'
import { parseMessageUpdate } from '../../../domain/message/lifecycle.js'
import type { Query } from '../../../domain/message/list-query.js'
import { renderRecord, withBaseUrl } from '../../../domain/message/record.js'
import type { Principal } from '../../../domain/principal.js'
import { messageStorePath } from '../../../domain/uris.js'
import { tiffPageAsPng } from '../../../services/fax-pages.js'
import type { InboxDirectory } from '../../../services/inbox/directory.js'
import { contentDisposition, sendBytes } from '../../byte-response.js'
import { renderMessageList } from '../../presenters/message-list.js'
import type { MailboxParams, MessageParams } from '../restapi/message-store/params.js'
import { readSendBody, registerSendBodyParsers } from '../restapi/messaging/send-body.js'

const MB = 1024 * 1024
const COMMA = Buffer.from(',')
const RECORDS_OPEN = Buffer.from('{"records":[')
const ID = /^\d{1,18}$/
const MAILBOX = '/admin/v1/accounts/:accountId/extensions/:extensionId'

/**
 * The admin calls behind the web inbox: a mailbox read and changed as its owner would
 * through the REST API, by the same services, but named by ids under `/admin/v1` so an
 * operator (or the inbox page) needs no user's credentials.
 */
export async function registerInboxApi(
  app: FastifyInstance,
  services: Services,
  directory: InboxDirectory,
): Promise<void> {
  const mailboxOf = async (params: MailboxParams): Promise<MailboxKey> => {
    const { accountId, extensionId } = params
    if (!ID.test(accountId)) throw errors.notFound('accountId')
    if (!ID.test(extensionId)) throw errors.notFound('extensionId')
    const mailbox = { accountId, extensionId }
    if (!(await directory.exists(mailbox))) throw errors.notFound('extensionId')
    return mailbox
  }
  const restPath = messageStorePath
  const messageId = (text: string): number => {
    if (!/^\d{1,16}$/.test(text)) throw errors.notFound('messageId')
    return Number(text)
  }

  app.get('/admin/v1/accounts', async () => ({ records: await directory.accounts() }))

  app.get<{ Params: MailboxParams }>(`${MAILBOX}/folders`, async (request) => ({
    records: await directory.folders(await mailboxOf(request.params)),
  }))

  // A folder's page by key (services/inbox/folders.ts): what the inbox lists.
  app.get<{ Params: MailboxParams & { folder: string }; Querystring: Query }>(
    `${MAILBOX}/folders/:folder/messages`,
    async (request, reply) => {
      const mailbox = await mailboxOf(request.params)
      const page = await services.inbox.folders.page(mailbox, request.params.folder, request.query)
      const records = Buffer.concat(
        page.records.flatMap((r, i) => [...(i ? [COMMA] : []), withBaseUrl(r, services.publicUrl.bytes)]),
      )
      const paging = JSON.stringify({ perPage: page.perPage, newer: page.newer, older: page.older })
      return reply
        .type('application/json; charset=utf-8')
        .send(Buffer.concat([RECORDS_OPEN, records, Buffer.from(`],"paging":${paging}}`)]))
    },
  )

  app.get<{ Params: MailboxParams & { folder: string }; Querystring: Query }>(
    `${MAILBOX}/folders/:folder/count`,
    async (request) => {
      const mailbox = await mailboxOf(request.params)
      return { total: await services.inbox.folders.count(mailbox, request.params.folder, request.query) }
    },
  )

  // The mailbox as listMessages answers it, every RingCentral list filter included.
  app.get<{ Params: MailboxParams; Querystring: Query }>(
    `${MAILBOX}/message-store`,
    async (request, reply) => {
      const mailbox = await mailboxOf(request.params)
      const page = await services.messages.list(mailbox, request.query)
      const search = request.url.split('?', 2)[1] ?? ''
      return reply
        .type('application/json; charset=utf-8')
        .send(renderMessageList(page, services.publicUrl.value, restPath(mailbox), search))
    },
  )

  app.get<{ Params: MessageParams }>(`${MAILBOX}/message-store/:messageId`, async (request, reply) => {
    const mailbox = await mailboxOf(request.params)
    const id = messageId(request.params.messageId)
    const record = (await services.messages.read(mailbox, [id])).get(id)
    if (!record) throw errors.notFound('messageId')
    return reply.type('application/json; charset=utf-8').send(withBaseUrl(record, services.publicUrl.bytes))
  })

  // The message's stored changes (message_history, migration 0013), kept after a purge
  // and after the message is removed from the store.
  app.get<{ Params: MessageParams }>(`${MAILBOX}/message-store/:messageId/history`, async (request) => {
    const mailbox = await mailboxOf(request.params)
    const id = messageId(request.params.messageId)
    const entries = await directory.history(mailbox, id)
    if (entries.length === 0 && !(await services.messages.read(mailbox, [id])).has(id))
      throw errors.notFound('messageId')
    return {
      records: entries.map((e) => ({
        changeNumber: e.seq,
        kind: e.kind,
        availability: e.availability ?? undefined,
        readStatus: e.readStatus ?? undefined,
        messageStatus: e.messageStatus ?? undefined,
        at: new Date(e.at).toISOString(),
      })),
    }
  })

  // Read status and restore, as PATCH of the REST API.
  app.patch<{ Params: MessageParams }>(`${MAILBOX}/message-store/:messageId`, async (request, reply) => {
    const mailbox = await mailboxOf(request.params)
    const update = parseMessageUpdate(request.body, 'PATCH')
    const record = await services.messageChanges.update(mailbox, messageId(request.params.messageId), update)
    return reply.type('application/json; charset=utf-8').send(withBaseUrl(record, services.publicUrl.bytes))
  })

  // Alive → Deleted → Purged; `?purge=true` purges at once.
  app.delete<{ Params: MessageParams; Querystring: { purge?: string } }>(
    `${MAILBOX}/message-store/:messageId`,
    async (request, reply) => {
      const mailbox = await mailboxOf(request.params)
      const purge = request.query.purge === 'true'
      await services.messageChanges.delete(mailbox, messageId(request.params.messageId), purge)
      return reply.status(204).send()
    },
  )

  // An attachment's bytes; `?as=png&page=N` shows page N of a TIFF fax as PNG.
  app.get<{
    Params: MessageParams & { attachmentId: string }
    Querystring: { download?: string; as?: string; page?: string }
  }>(`${MAILBOX}/message-store/:messageId/content/:attachmentId`, async (request, reply) => {
    const mailbox = await mailboxOf(request.params)
    const { messageId: mid, attachmentId } = request.params
    const content = await services.attachments.find(mailbox, mid, attachmentId)
    const { as, page } = request.query
    if (as !== undefined) {
      if (as !== 'png') throw errors.invalidParameter('as', 'Only png is supported.')
      if (content.contentType !== 'image/tiff')
        throw errors.invalidParameter('as', 'Only a TIFF attachment is converted.')
      const number = page === undefined ? 1 : Number(page)
      if (!Number.isInteger(number) || number < 1 || number > 10_000)
        throw errors.invalidParameter('page', 'Expected a page number from 1.')
      const png = await tiffPageAsPng(await content.open(), number)
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png)
    }
    const kind = request.query.download === 'true' ? 'Attachment' : 'Inline'
    // Ranges let the browser's audio player seek in a voicemail.
    return sendBytes(
      request,
      reply,
      { ...content, etag: `"${content.digest}"` },
      { disposition: contentDisposition(kind, content.fileName), cacheControl: 'private, max-age=3600' },
    )
  })

  // Sending as the extension: the sending service itself, with the REST endpoints' bodies.
  await app.register(async (scope) => {
    registerSendBodyParsers(scope)
    const as = (mailbox: MailboxKey): Principal => ({
      accountId: mailbox.accountId,
      extensionId: mailbox.extensionId,
      role: 'User',
      permissions: new Set(),
      sessionId: 'admin',
      clientId: 'msgstore-inbox',
    })
    const answer = (message: Parameters<typeof renderRecord>[0]) =>
      withBaseUrl(renderRecord(message), services.publicUrl.bytes)
    scope.post<{ Params: MailboxParams }>(
      `${MAILBOX}/sms`,
      { bodyLimit: 10 * MB },
      async (request, reply) => {
        const mailbox = await mailboxOf(request.params)
        const { envelope, files } = readSendBody(request.body, errors.badJson)
        const message = await services.sending.sms(as(mailbox), mailbox, envelope, files ?? [])
        return reply.type('application/json; charset=utf-8').send(answer(message))
      },
    )
    scope.post<{ Params: MailboxParams }>(`${MAILBOX}/company-pager`, async (request, reply) => {
      const mailbox = await mailboxOf(request.params)
      const message = await services.sending.pager(as(mailbox), mailbox, request.body)
      return reply.type('application/json; charset=utf-8').send(answer(message))
    })
    scope.post<{ Params: MailboxParams }>(
      `${MAILBOX}/fax`,
      { bodyLimit: 55 * MB },
      async (request, reply) => {
        const mailbox = await mailboxOf(request.params)
        const { envelope, files } = readSendBody(request.body, () =>
          errors.faxEnvelope('the JSON part is not valid JSON'),
        )
        const message = await services.sending.fax(as(mailbox), mailbox, envelope, files)
        return reply.type('application/json; charset=utf-8').send(answer(message))
      },
    )
  })
}
