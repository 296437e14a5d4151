// multipasta parses any multipart body (not only multipart/form-data, which is all that
// busboy, @fastify/busboy and @fastify/multipart accept): parts without
// Content-Disposition, such as the JSON parts of a RingCentral bulk request, come out in
// order with their headers. It is small, has no dependencies, is actively maintained
// (it is the multipart parser of the Effect platform) and enforces part-count and
// part-size limits itself, so no hand-written boundary scanning is needed here.
import * as Multipasta from 'multipasta'
import { type ApiError, errors } from '../domain/errors.js'

/** One part of a multipart request body. */
export interface BodyPart {
  /** The form field name; empty in multipart/mixed. */
  name: string
  fileName?: string
  contentType: string
  body: Buffer
}

export interface MultipartLimits {
  maxParts: number
  /** Most bytes in one part; none when the route's body limit is the only bound. */
  maxPartSize?: number
  /** The error for a body over `maxParts` parts. */
  tooManyParts(): ApiError
}

/**
 * The parts of a whole multipart body (`multipart/mixed`, `multipart/form-data` or any
 * other subtype), in order. The bulk bodies (plugins/bulk-bodies.ts) and the send bodies
 * (routes/restapi/messaging/send-body.ts) are both read here; a body that is not
 * multipart as its Content-Type says is CMN-101's unparsable request.
 */
export function readMultipart(contentType: string, body: Buffer, limits: MultipartLimits): BodyPart[] {
  const parts: BodyPart[] = []
  let failure: Multipasta.MultipartError | undefined
  let finished = false
  const parser = Multipasta.make({
    headers: { 'content-type': contentType },
    // Every part is collected whole, as a file, so that each keeps its headers.
    isFile: () => true,
    maxParts: limits.maxParts,
    ...(limits.maxPartSize === undefined ? {} : { maxPartSize: limits.maxPartSize }),
    onField: () => {},
    onFile: (info) => {
      const chunks: Buffer[] = []
      return (chunk) => {
        if (chunk !== null) {
          chunks.push(Buffer.from(chunk))
          return
        }
        parts.push({
          name: info.name ?? '',
          fileName: info.filename,
          contentType: info.contentType,
          body: Buffer.concat(chunks),
        })
      }
    },
    onError: (error) => {
      failure ??= error
    },
    onDone: () => {
      finished = true
    },
  })
  parser.write(body)
  parser.end()
  if (failure?._tag === 'ReachedLimit') {
    throw failure.limit === 'MaxParts' ? limits.tooManyParts() : errors.payloadTooLarge()
  }
  if (failure?._tag === 'InvalidBoundary') throw errors.unparsableRequest('a multipart body needs a boundary')
  if (failure || !finished) throw errors.unparsableRequest('malformed multipart body')
  return parts
}
