import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  assertMirrored,
  loginAdmin,
  mailbox,
  mirrorOnce,
  mirrorStatus,
  type RunningMirror,
  startMirror,
  startPair,
  waitMirrored,
} from '../helpers/mirror.js'
import { waitFor } from '../helpers/notifications.js'
import { ALICE, BOB, deliverOne, login, MESSAGE_STORE } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'
import { inBatches } from '../helpers/sync.js'

const EXTENSIONS = ['62001', '62002', '62003', '62900']
const OUTSIDE = '+14155550123'

/**
 * `msgstore mirror` left running: the source's WebSocket events bring each change over
 * (the periodic pass is an hour away, so only the events can), and a mirror killed with
 * SIGKILL in the middle of a pass converges once started again.
 */
describe('mirror: following the source', () => {
  let pair: { source: RunningServer; local: RunningServer }
  let mirror: RunningMirror | undefined

  before(async () => {
    pair = await startPair({}, { args: ['--shared-store'] })
  })

  after(async () => {
    await mirror?.kill()
    await Promise.all([pair.source.stop(), pair.local.stop()])
  })

  test('a new inbound message, a read status and a delete reach the local copy after their events', async () => {
    await deliverOne(pair.source, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'before' })
    mirror = await startMirror(pair.source, pair.local, ['--interval', 'PT1H'])
    await waitFor('the first pass', () => /mirror: pass over/.test(mirror!.output()), 60_000)
    await assertMirrored(pair, EXTENSIONS)

    const id = await deliverOne(pair.source, {
      type: 'SMS',
      from: OUTSIDE,
      to: [ALICE.username],
      text: 'live',
    })
    const local = await loginAdmin(pair.local)
    await waitFor(
      'the new message here',
      async () => (await mailbox(local, pair.local.baseUrl, ALICE.id)).has(id),
      60_000,
    )
    // Brought by the event: the periodic pass that could also have brought it is an hour away.
    assert.equal(mirror.output().match(/mirror: pass over/g)?.length, 1, mirror.output())
    await assertMirrored(pair, EXTENSIONS)

    const alice = await login(pair.source.baseUrl, ALICE)
    await alice.put(`${MESSAGE_STORE}/${id}`, { readStatus: 'Read' })
    await waitMirrored(pair, EXTENSIONS, 'the read status here')
    await alice.delete(`${MESSAGE_STORE}/${id}`)
    await waitMirrored(pair, EXTENSIONS, 'the delete here')
    assert.equal((await mailbox(local, pair.local.baseUrl, ALICE.id)).get(id).availability, 'Deleted')
    assert.match(mirror.output(), /ISync/)
  })

  test('kill -9 in the middle of a pass, then a restart, converges to the same store', async () => {
    await mirror?.stop()
    mirror = undefined
    await inBatches(
      Array.from({ length: 150 }, (_, i) => i),
      6,
      async (i) =>
        deliverOne(pair.source, {
          type: 'VoiceMail',
          from: OUTSIDE,
          to: [BOB.username],
          attachments: [{ contentType: 'audio/wav', base64: Buffer.alloc(2000, i).toString('base64') }],
        }),
    )
    const killed = await startMirror(pair.source, pair.local, ['--interval', 'PT1H', '--concurrency', '1'])
    const local = await loginAdmin(pair.local)
    // Killed once the first voicemails of the pass are here, before the pass ends.
    await waitFor(
      'part of the pass',
      async () =>
        /mirror: pass over/.test(killed.output()) ||
        (await mailbox(local, pair.local.baseUrl, BOB.id)).size > 0,
      60_000,
    )
    await killed.kill()
    const before = await mirrorStatus(pair.local)
    await mirrorOnce(pair.source, pair.local)
    await assertMirrored(pair, EXTENSIONS)
    const afterwards = await mirrorStatus(pair.local)
    assert.equal(afterwards.get(BOB.id).errors, before.get(BOB.id).errors)
  })
})
