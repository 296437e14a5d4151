import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { assertMirrored, FROM_1970, loginAdmin, mailbox, mirrorOnce, startPair } from '../helpers/mirror.js'
import { ALICE, BOB, deliverOne, login, MESSAGE_STORE, type Platform } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'
import { inBatches } from '../helpers/sync.js'

const EXTENSIONS = ['62001', '62002', '62003', '62900']
const OUTSIDE = '+14155550123'
/** Records per sync answer the mirror asks for: far fewer than Alice's mailbox holds. */
const SYNC_RECORDS = '7'

/**
 * A source mailbox larger than one sync answer: the FSync answers the newest records
 * with `olderRecordsExist`, and the mirror widens the frame until it has every message,
 * the oldest included, so that later changes to the oldest reach it too.
 */
describe('mirror: a mailbox larger than one sync answer', () => {
  let pair: { source: RunningServer; local: RunningServer }
  let alice: Platform
  const ids: number[] = []

  before(async () => {
    pair = await startPair({}, { args: ['--shared-store'] })
    alice = await login(pair.source.baseUrl, ALICE)
    const start = Date.now() - 3600_000
    // 40 messages, created a second apart in pairs: two share each creation time, so
    // an answer may end between two messages of the same time.
    const made = await inBatches(
      Array.from({ length: 40 }, (_, i) => i),
      6,
      async (i) =>
        deliverOne(pair.source, {
          type: i % 5 === 0 ? 'VoiceMail' : 'SMS',
          from: OUTSIDE,
          to: [ALICE.username],
          creationTime: new Date(start + Math.floor(i / 2) * 1000).toISOString(),
          ...(i % 5 === 0
            ? {
                attachments: [{ contentType: 'audio/wav', base64: Buffer.alloc(1500, i).toString('base64') }],
              }
            : { text: `message ${i}` }),
        }),
    )
    ids.push(...made)
    await deliverOne(pair.source, { type: 'SMS', from: OUTSIDE, to: [BOB.username], text: 'for Bob' })
  })

  after(async () => {
    await Promise.all([pair.source.stop(), pair.local.stop()])
  })

  test('the FSync is answered in part; every message is copied, the oldest included', async () => {
    const partial = await (
      await alice.get('/restapi/v1.0/account/~/extension/~/message-sync', {
        syncType: 'FSync',
        dateFrom: FROM_1970,
        recordCount: SYNC_RECORDS,
      })
    ).json()
    assert.equal(partial.syncInfo.olderRecordsExist, true, 'the source answers the FSync in part')

    await mirrorOnce(pair.source, pair.local, ['--sync-records', SYNC_RECORDS])
    assert.ok((await assertMirrored(pair, EXTENSIONS)) >= 41)
    const local = await mailbox(await loginAdmin(pair.local), pair.local.baseUrl, ALICE.id)
    for (const id of ids) assert.equal(local.get(id)?.availability, 'Alive', `message ${id} is here`)
  })

  test('a later change to the oldest messages reaches the copy through ISync', async () => {
    // The two oldest by creation time: the last an answer of the widening reached.
    const sorted = ids.slice(0, 2)
    await alice.put(`${MESSAGE_STORE}/${sorted[0]}`, { readStatus: 'Read' })
    await alice.delete(`${MESSAGE_STORE}/${sorted[1]}`)
    const result = await mirrorOnce(pair.source, pair.local, ['--sync-records', SYNC_RECORDS])
    assert.match(result.stdout, /62001 \(101\) ISync: 2 messages/)
    await assertMirrored(pair, EXTENSIONS)
    const local = await mailbox(await loginAdmin(pair.local), pair.local.baseUrl, ALICE.id)
    assert.equal(local.get(sorted[0]!).readStatus, 'Read')
    assert.equal(local.get(sorted[1]!).availability, 'Deleted')
  })
})
