import { type JobDefinition, jobKind } from '../jobs/job.js'

/**
 * Frees the attachment bytes a purge or removal stopped referencing, once that change
 * committed (it runs as its own job, after the sweep's transaction). The bytes of one
 * inbound message are shared by its copies in several mailboxes: only a blob no
 * attachment references any more is deleted. Safe to run again.
 */
export const BLOB_RELEASE = jobKind<{ keys: string[] }>('blobs.release')

export function blobReleaseJob(
  release: (keys: string[]) => Promise<void>,
): JobDefinition<{ keys: string[] }> {
  return {
    kind: BLOB_RELEASE,
    transactional: false,
    async handle(payload) {
      await release(Array.isArray(payload.keys) ? payload.keys.filter((k) => typeof k === 'string') : [])
    },
  }
}
