import { randomBytes } from 'node:crypto'
import type { FastifyReply } from 'fastify'

/** One item of a bulk answer: its id, HTTP status and JSON body (bytes already rendered). */
export interface BulkItem {
  resourceId: string
  href: string
  status: number
  body: Buffer
}

const REASONS: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
}

export const MULTIPART_JSON = 'application/vnd.ringcentral.multipart+json'

/** Whether the client asked for RingCentral's JSON form of a bulk answer rather than multipart/mixed. */
export function wantsMultipartJson(accept: string | undefined): boolean {
  return accept?.toLowerCase().includes(MULTIPART_JSON) ?? false
}

/** `multipart/mixed`: a summary part `{ response: [ { href, status, responseDescription } ] }`, then one part per item. */
export function renderMultipartMixed(items: BulkItem[]): { contentType: string; body: Buffer } {
  const boundary = `Boundary_${randomBytes(12).toString('hex')}`
  const summary = {
    response: items.map((i) => ({
      href: i.href,
      status: i.status,
      responseDescription: REASONS[i.status] ?? String(i.status),
    })),
  }
  const head = (text: Buffer | string) => [
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n`),
    Buffer.from(text),
    CRLF,
  ]
  const parts: Buffer[] = [...head(JSON.stringify(summary))]
  for (const item of items) parts.push(...head(item.body))
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(parts) }
}

/** `application/vnd.ringcentral.multipart+json`: an array in request order of `{ resourceId, status, body }`. */
export function renderMultipartJson(items: BulkItem[]): Buffer {
  const parts: Buffer[] = [Buffer.from('[')]
  items.forEach((item, i) => {
    parts.push(
      Buffer.from(
        `${i ? ',' : ''}{"resourceId":${JSON.stringify(item.resourceId)},"status":${item.status},"body":`,
      ),
      item.body,
      Buffer.from('}'),
    )
  })
  parts.push(Buffer.from(']'))
  return Buffer.concat(parts)
}

const CRLF = Buffer.from('\r\n')

/**
 * A bulk read or write's answer: 207 with a status per item, as RingCentral's multipart+json
 * when the client's `Accept` asks for it, else multipart/mixed.
 */
export function sendMultiStatus(reply: FastifyReply, items: BulkItem[], json: boolean): FastifyReply {
  reply.status(207)
  if (json) return reply.type(MULTIPART_JSON).send(renderMultipartJson(items))
  const { contentType, body } = renderMultipartMixed(items)
  return reply.type(contentType).send(body)
}
