import type { FastifyInstance } from 'fastify'
// multipasta parses any multipart body (not only multipart/form-data, which is all that
// busboy, @fastify/busboy and @fastify/multipart accept): parts without
// Content-Disposition, such as the JSON parts of a RingCentral bulk request, come out in
// order with their headers. It is small, has no dependencies, is actively maintained
// (it is the multipart parser of the Effect platform) and enforces part-count and
// part-size limits itself, so no hand-written boundary scanning is needed here.
import * as Multipasta from 'multipasta'
import { errors } from '../../domain/errors.js'
import { MULTIPART_JSON } from '../presenters/multipart.js'

/** One part of a multipart/mixed request body. */
export interface MixedPart {
  contentType: string
  body: Buffer
}

/** A parsed multipart/mixed request body: its parts in order (a bulk request's items). */
export class MultipartMixedBody {
  constructor(readonly parts: MixedPart[]) {}
}

/** The largest bulk request body: 1000 small JSON items fit many times over. */
const BULK_BODY_LIMIT = 4 * 1024 * 1024
const MAX_PARTS = 1000
const MAX_PART_SIZE = 64 * 1024

/**
 * The request bodies of RingCentral's bulk syntax: `multipart/mixed` (one JSON part per
 * id, see the batch requests guide) and `application/vnd.ringcentral.multipart+json`
 * (a JSON array of `{ resourceId?, body }`).
 */
export function registerBulkBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser(
    MULTIPART_JSON,
    { parseAs: 'string', bodyLimit: BULK_BODY_LIMIT },
    app.getDefaultJsonParser('error', 'error'),
  )
  app.addContentTypeParser(
    'multipart/mixed',
    { parseAs: 'buffer', bodyLimit: BULK_BODY_LIMIT },
    (request, body, done) => {
      try {
        done(null, parseMultipartMixed(request.headers['content-type'] ?? '', body as Buffer))
      } catch (err) {
        done(err as Error, undefined)
      }
    },
  )
}

export function parseMultipartMixed(contentType: string, body: Buffer): MultipartMixedBody {
  const parts: MixedPart[] = []
  let failure: Multipasta.MultipartError | undefined
  let finished = false
  const parser = Multipasta.make({
    headers: { 'content-type': contentType },
    // Every part is a small JSON document: collect each whole, within the limits.
    isFile: () => false,
    maxParts: MAX_PARTS,
    maxFieldSize: MAX_PART_SIZE,
    onField: (info, value) => {
      parts.push({ contentType: info.contentType, body: Buffer.from(value) })
    },
    onFile: () => () => {},
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
    throw failure.limit === 'MaxParts' ? errors.batchLimit(MAX_PARTS) : errors.payloadTooLarge()
  }
  if (failure?._tag === 'InvalidBoundary') throw errors.unparsableRequest('multipart/mixed needs a boundary')
  if (failure || !finished) throw errors.unparsableRequest('malformed multipart/mixed body')
  return new MultipartMixedBody(parts)
}
