import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { errors } from '../../../../domain/errors.js'
import { type Query, single } from '../../../../domain/message/list-query.js'
import type { MessageParams } from './params.js'

interface ContentParams extends MessageParams {
  attachmentId: string
}

const DISPOSITIONS = ['Inline', 'Attachment'] as const

/**
 * readMessageContent: `GET …/message-store/{messageId}/content/{attachmentId}` streams
 * the attachment's bytes (never held whole in memory), with its content type, length,
 * `Content-Disposition` from `contentDisposition`/`contentDispositionFilename`, one byte
 * range (206, or 416 CMN-107), and `ETag`/`If-None-Match` (the blob key is the SHA-256
 * of the bytes, a natural strong validator). Purged or unknown: 404 CMN-102.
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

      const etag = `"${content.digest}"`
      reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'private')
      if (matchesAny(request.headers['if-none-match'], etag)) return reply.status(304).send()

      const ifRange = request.headers['if-range']
      const range =
        ifRange === undefined || ifRange === etag
          ? parseRange(request.headers.range, content.size)
          : undefined
      if (range === 'unsatisfiable') throw errors.rangeNotSatisfiable(content.size)

      const filename = filenameParam || content.fileName
      if (disposition || filename) {
        reply.header('content-disposition', contentDisposition(disposition ?? 'Inline', filename))
      }
      reply.type(safeMediaType(content.contentType))
      const head = request.method === 'HEAD'
      if (range) {
        reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${content.size}`)
          .header('content-length', range.end - range.start + 1)
        return reply.send(head ? Readable.from([]) : await content.open(range))
      }
      reply.header('content-length', content.size)
      return reply.send(head ? Readable.from([]) : await content.open())
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

/** `inline; filename="a.pdf"; filename*=UTF-8''a.pdf` (RFC 6266), safe for any name. */
export function contentDisposition(kind: string, filename: string | undefined): string {
  let value = kind.toLowerCase()
  if (filename) {
    const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
    const encoded = encodeURIComponent(filename).replace(
      /['()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )
    value += `; filename="${fallback}"; filename*=UTF-8''${encoded}`
  }
  return value
}

/** The stored media type, unless it could not be a header value. */
export function safeMediaType(type: string): string {
  return /^[\x21-\x7e][\x20-\x7e]*$/.test(type) ? type : 'application/octet-stream'
}

/** Whether an `If-None-Match` list names `etag` (weak comparison, as RFC 9110 asks for it). */
function matchesAny(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t.replace(/^W\//, '') === etag
  })
}

/**
 * One byte range of `Range: bytes=…` within `size` bytes. Undefined (serve it all) when
 * there is no usable header: absent, another unit, several ranges, or malformed.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m) return undefined
  const [, first, last] = m as unknown as [string, string, string]
  if (first === '' && last === '') return undefined
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) }
}
