import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createServices, type Services } from '../../src/app/services.js'
import { loadConfig } from '../../src/config/config.js'
import type { ManualClock } from '../../src/domain/clock.js'
import { databaseFor, tempDir } from '../helpers/server.js'

/**
 * Attachment bytes are stored before the transaction that references them commits. A
 * release of the same bytes running in between (another message's purge) must not
 * delete them: a blob is kept for a grace period after its last write, and the check
 * and the deletion run under the blob's lock. Driven through the store's own services
 * (the race is between two of its steps), on the database the suite runs on, with
 * both blob stores (files on disk, chunks in the database).
 */
for (const blobStore of ['fs', 'database'] as const) {
  describe(`blobs in ${blobStore === 'fs' ? 'files' : 'the database'}`, () => {
    let services: Services

    before(async () => {
      const dataDir = tempDir()
      const database = await databaseFor(dataDir)
      const config = loadConfig(
        { data: dataDir, database, demo: false, clock: 'manual', blobStore },
        { MSGSTORE_LOG_LEVEL: 'error' },
        () => 'unused',
      )
      services = await createServices(config)
    })

    after(async () => {
      await services.close()
    })

    async function advance(ms: number): Promise<void> {
      const clock = services.clock as ManualClock
      assert.equal(await clock.moveTo(clock.now() + ms), true)
      await services.jobs.settle()
    }

    test('bytes written but not yet referenced survive a release; once the grace has passed they are freed', async () => {
      // A send stored its bytes; its transaction has not committed yet.
      const { key } = await services.blobs.put(
        Buffer.from('bytes of a message whose transaction is still open'),
      )
      // Meanwhile another message with the same bytes is purged, and its release runs.
      await services.messageChanges.releaseBlobs([key])
      assert.equal(await services.blobs.exists(key), true, 'the release deleted bytes about to be referenced')

      // Nine minutes on, still within the grace period: kept.
      await advance(9 * 60_000)
      assert.equal(await services.blobs.exists(key), true)
      // Past it, with nothing referencing them: the release scheduled for then frees them.
      await advance(2 * 60_000)
      assert.equal(await services.blobs.exists(key), false)
    })

    test('writing the same bytes again restarts the grace period', async () => {
      const bytes = Buffer.from('bytes stored twice')
      const { key } = await services.blobs.put(bytes)
      await advance(9 * 60_000)
      await services.blobs.put(bytes)
      await advance(2 * 60_000)
      await services.messageChanges.releaseBlobs([key])
      assert.equal(await services.blobs.exists(key), true)
      await advance(11 * 60_000)
      assert.equal(await services.blobs.exists(key), false)
    })
  })
}
