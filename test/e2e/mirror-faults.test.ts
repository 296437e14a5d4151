import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertMirrored, mirrorOnce, mirrorStatus, startPair } from '../helpers/mirror.js'
import { ALICE, BOB, deliverOne } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'
import { inBatches } from '../helpers/sync.js'

const EXTENSIONS = ['62001', '62002', '62003', '62900']
const OUTSIDE = '+14155550123'
const SYNC = '/restapi/v1.0/account/~/extension/~/message-sync'
const CONTENT = '/restapi/v1.0/account/~/extension/~/message-store/~/content/~'

/**
 * The source misbehaves the ways RingCentral does (fault rules of its test controls,
 * its rate limits, sync tokens it stops accepting): the mirror waits, retries and starts
 * over as needed, and ends with every record exactly once and every byte.
 */
describe('mirror: a source that fails, throttles and forgets tokens', () => {
  let pair: { source: RunningServer; local: RunningServer }

  const some = (n: number, to: string, seed: number) =>
    inBatches(
      Array.from({ length: n }, (_, i) => i),
      4,
      async (i) =>
        deliverOne(pair.source, {
          type: i % 2 ? 'VoiceMail' : 'MMS',
          from: OUTSIDE,
          to: [to],
          text: i % 2 ? undefined : `picture ${seed}-${i}`,
          attachments: [
            {
              contentType: i % 2 ? 'audio/wav' : 'image/png',
              base64: Buffer.alloc(1500 + i, seed + i).toString('base64'),
            },
          ],
        }),
    )

  const fault = async (rule: Record<string, unknown>) => {
    const res = await pair.source.admin('POST', '/admin/v1/faults', rule)
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body.id as string
  }

  before(async () => {
    pair = await startPair({}, { args: ['--shared-store'] })
  })

  after(async () => {
    await Promise.all([pair.source.stop(), pair.local.stop()])
  })

  test('503s, 429s with Retry-After and dropped connections on syncs and downloads', async () => {
    await some(10, ALICE.username, 1)
    await some(6, BOB.username, 2)
    await fault({ method: 'GET', path: SYNC, status: 503, times: 3 })
    await fault({ method: 'GET', path: SYNC, status: 429, retryAfter: 1, times: 2 })
    await fault({ method: 'GET', path: CONTENT, drop: true, times: 3 })
    await fault({ method: 'GET', path: CONTENT, status: 503, times: 2 })
    const result = await mirrorOnce(pair.source, pair.local)
    assert.match(result.stdout, /503 from the source/)
    assert.match(result.stdout, /429 from the source/)
    await assertMirrored(pair, EXTENSIONS)
    const { faults } = (await pair.source.admin('GET', '/admin/v1/faults')).body
    for (const rule of faults) assert.equal(rule.remaining, 0, `every fault was met: ${JSON.stringify(rule)}`)
  })

  test('expired sync tokens: a fresh full sync, nothing lost or duplicated', async () => {
    const before = (await mirrorStatus(pair.local)).get(ALICE.id)
    const expired = await pair.source.admin(
      'POST',
      `/admin/v1/accounts/1001/extensions/${ALICE.id}/expire-sync-tokens`,
    )
    assert.equal(expired.status, 200, JSON.stringify(expired.body))
    await some(3, ALICE.username, 3)
    await mirrorOnce(pair.source, pair.local)
    await assertMirrored(pair, EXTENSIONS)
    const afterwards = (await mirrorStatus(pair.local)).get(ALICE.id)
    assert.ok(Date.parse(afterwards.lastFullSyncTime) > Date.parse(before.lastFullSyncTime), 'a new FSync')
    assert.equal(
      afterwards.messagesMirrored,
      before.messagesMirrored + 3,
      'only the three new ones were new here',
    )
  })

  test("the source's rate limits: paced, waits out its penalties, completes", async () => {
    const limited = await pair.source.admin('PUT', '/admin/v1/rate-limits', {
      enabled: true,
      windowSeconds: 3,
      penaltySeconds: 2,
    })
    assert.equal(limited.status, 200, JSON.stringify(limited.body))
    try {
      await some(12, BOB.username, 4)
      const result = await mirrorOnce(pair.source, pair.local)
      assert.match(result.stdout, /mirror: pass over 4 mailboxes: \d+ messages, \d+ attachments, 0 failed/)
      await pair.source.admin('PUT', '/admin/v1/rate-limits', { enabled: false })
      await assertMirrored(pair, EXTENSIONS)
    } finally {
      await pair.source.admin('PUT', '/admin/v1/rate-limits', { enabled: false })
    }
  })
})
