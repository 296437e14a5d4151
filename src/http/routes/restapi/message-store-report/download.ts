import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { sendBytes } from '../../../byte-response.js'
import { type ArchiveParams, REPORTS } from './params.js'

/**
 * `GET …/message-store-report/{taskId}/archive/{archiveId}`: the zip, streamed from its
 * file or blob, with the same bearer token (or `access_token` query parameter) as any
 * call, answered as every download is (byte-response.ts): ranges, `If-Range` and
 * `If-None-Match` against the ETag.
 */
export function registerDownloadReportArchive(app: FastifyInstance, services: Services): void {
  app.get<{ Params: ArchiveParams }>(
    `${REPORTS}/:taskId/archive/:archiveId`,
    { config: { permission: 'ReadMessages' } },
    async (request, reply) => {
      const { accountId, taskId, archiveId } = request.params
      const archive = await services.exports.archive(request.principal, accountId, taskId, archiveId)
      return sendBytes(
        request,
        reply,
        { ...archive, contentType: 'application/zip' },
        { disposition: `attachment; filename="${archive.fileName}"` },
      )
    },
  )
}
