import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { errors } from '../../../../domain/errors.js'
import { type Query, single } from '../../../../domain/message/list-query.js'
import { contentDisposition, sendBytes } from '../../../byte-response.js'
import type { MessageParams } from './params.js'

interface ContentParams extends MessageParams {
  attachmentId: string
}

const DISPOSITIONS = ['Inline', 'Attachment'] as const

/**
 * readMessageContent: `GET …/message-store/{messageId}/content/{attachmentId}` streams
 * the attachment's bytes as every download does (byte-response.ts), with
 * `Content-Disposition` from `contentDisposition`/`contentDispositionFilename`. The ETag is
 * the blob key, the SHA-256 of the bytes: a natural strong validator. Purged or unknown:
 * 404 CMN-102.
 */
export function registerMessageContent(app: FastifyInstance, services: Services): void {
  app.get<{ Params: ContentParams; Querystring: Query }>(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId/content/:attachmentId',
    { config: { permission: 'ReadMessages', mailbox: true } },
    async (request, reply) => {
      const { messageId, attachmentId } = request.params
      const mailbox = request.mailbox
      const disposition = dispositionParam(request.query)
      const filenameParam = single(request.query, 'contentDispositionFilename')
      const content = await services.attachments.find(mailbox, messageId, attachmentId)

      const filename = filenameParam || content.fileName
      return sendBytes(
        request,
        reply,
        { ...content, etag: `"${content.digest}"` },
        {
          disposition:
            disposition || filename ? contentDisposition(disposition ?? 'Inline', filename) : undefined,
        },
      )
    },
  )
}

function dispositionParam(query: Query): (typeof DISPOSITIONS)[number] | undefined {
  const value = single(query, 'contentDisposition')
  if (value === undefined || value === '') return undefined
  const found = DISPOSITIONS.find((d) => d.toLowerCase() === value.toLowerCase())
  if (!found)
    throw errors.invalidParameter('contentDisposition', `Allowed values: ${DISPOSITIONS.join(', ')}.`)
  return found
}
