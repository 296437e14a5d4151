import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { errors } from '../../../../domain/errors.js'
import { parseRange } from '../message-store/content.js'
import { type ArchiveParams, REPORTS } from './params.js'

/**
 * `GET …/message-store-report/{taskId}/archive/{archiveId}`: the zip, streamed from its
 * file or blob, with the same bearer token (or `access_token` query parameter) as any
 * call; one byte range (206, or 416 CMN-107), `If-Range` with the ETag.
 */
export function registerDownloadReportArchive(app: FastifyInstance, services: Services): void {
  app.get<{ Params: ArchiveParams }>(
    `${REPORTS}/:taskId/archive/:archiveId`,
    { config: { permission: 'ReadMessages' } },
    async (request, reply) => {
      const { accountId, taskId, archiveId } = request.params
      const archive = await services.exports.archive(request.principal, accountId, taskId, archiveId)
      reply
        .header('etag', archive.etag)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private')
        .header('content-disposition', `attachment; filename="${archive.fileName}"`)
        .type('application/zip')
      const ifRange = request.headers['if-range']
      const range =
        ifRange === undefined || ifRange === archive.etag
          ? parseRange(request.headers.range, archive.size)
          : undefined
      if (range === 'unsatisfiable') throw errors.rangeNotSatisfiable(archive.size)
      const head = request.method === 'HEAD'
      if (range) {
        reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${archive.size}`)
          .header('content-length', range.end - range.start + 1)
        return reply.send(head ? Readable.from([]) : await archive.open(range))
      }
      reply.header('content-length', archive.size)
      return reply.send(head ? Readable.from([]) : await archive.open())
    },
  )
}
