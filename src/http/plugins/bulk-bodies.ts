import type { FastifyInstance } from 'fastify'
import { errors } from '../../domain/errors.js'
import { readMultipart } from '../multipart-reader.js'
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
  const parts = readMultipart(contentType, body, {
    maxParts: MAX_PARTS,
    maxPartSize: MAX_PART_SIZE,
    tooManyParts: () => errors.batchLimit(MAX_PARTS),
  })
  return new MultipartMixedBody(parts.map((part) => ({ contentType: part.contentType, body: part.body })))
}
