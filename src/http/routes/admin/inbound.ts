import type { MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../../app/services.js'
import { ApiError, errors } from '../../../domain/errors.js'
import {
  attachmentMeta,
  type InboundFile,
  parseInboundFields,
  parseInlineAttachments,
} from '../../../services/inbound.js'
import { nulRefused, refuseNul } from '../../plugins/nul-guard.js'

/**
 * `POST /admin/v1/accounts/{accountId}/inbound`: JSON with base64 attachments, or
 * multipart/form-data with a `json` part and one `attachment` part per file. File
 * parts are streamed to the blob store as they arrive.
 */
export function registerInboundRoute(app: FastifyInstance, services: Services): void {
  app.post<{ Params: { accountId: string } }>(
    '/admin/v1/accounts/:accountId/inbound',
    async (request, reply) => {
      const { accountId } = request.params
      const messages = request.isMultipart()
        ? await receiveMultipart(request, services, accountId)
        : await receiveJson(request.body, services, accountId)
      return reply.status(201).send({ messages })
    },
  )
}

async function receiveJson(body: unknown, services: Services, accountId: string) {
  const fields = parseInboundFields(body)
  return services.inbound.receive(accountId, fields, parseInlineAttachments(fields.attachments))
}

async function receiveMultipart(request: FastifyRequest, services: Services, accountId: string) {
  let json: unknown
  const files: { file: MultipartFile; stored: { key: string; size: number } }[] = []
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        // A field sent with `Content-Type: application/json` arrives already parsed.
        if (part.fieldname === 'json')
          json = typeof part.value === 'string' ? parseJson(part.value) : part.value
        continue
      }
      if (part.fieldname === 'json') {
        json = parseJson((await part.toBuffer()).toString('utf8'))
      } else if (part.fieldname === 'attachment') {
        if (part.filename?.includes('\u0000')) throw nulRefused(`attachments[${files.length}].fileName`)
        files.push({ file: part, stored: await services.blobs.put(part.file) })
        if (part.file.truncated) throw errors.payloadTooLarge()
      } else {
        await part.toBuffer()
        throw errors.invalidValue(part.fieldname, 'unexpected part')
      }
    }
  } catch (err) {
    throw asRequestError(err)
  }
  if (json === undefined) throw errors.invalidValue('json', 'a json part is required')
  // The streamed body is read here, after the NUL guard's hook has run (see plugins/nul-guard.ts).
  refuseNul(json, '')
  const fields = parseInboundFields(json)
  // Entries of `attachments` in the json part describe the file parts in order (vmDuration, …).
  const described = fields.attachments
  const inline = parseInlineAttachments(
    described.filter((a) => typeof a === 'object' && a !== null && 'base64' in a),
  )
  const streamed: InboundFile[] = files.map(({ file, stored }, i) => {
    const meta = (described.filter((a) => !(typeof a === 'object' && a !== null && 'base64' in a))[i] ??
      {}) as Record<string, unknown>
    const info = attachmentMeta(
      { contentType: file.mimetype, fileName: file.filename, ...meta },
      `attachments[${i}]`,
    )
    return { ...info, stored }
  })
  return services.inbound.receive(accountId, fields, [...inline, ...streamed])
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw errors.badJson()
  }
}

/**
 * A body busboy cannot parse (no boundary, cut short) is the client's error: 400, not 500.
 * Our own errors, Fastify's (they carry a code) and the disk's (they carry a code) pass through.
 */
function asRequestError(err: unknown): unknown {
  if (err instanceof ApiError || !(err instanceof Error) || 'code' in err) return err
  return errors.unparsableRequest(err.message)
}
