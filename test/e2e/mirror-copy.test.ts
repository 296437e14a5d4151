import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ACCOUNT,
  assertMirrored,
  FROM_1970,
  loginAdmin,
  mailbox,
  mirrorOnce,
  mirrorStatus,
  startPair,
} from '../helpers/mirror.js'
import { ALICE, BOB, deliver, deliverOne, login, MESSAGE_STORE, type Platform } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'
import { advance } from '../helpers/sync.js'

const EXTENSIONS = ['62001', '62002', '62003', '62900']
const OUTSIDE = '+14155550123'
const bytes = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256))
const b64 = (b: Buffer) => b.toString('base64')

/**
 * `msgstore mirror --once` from a second msgstore: every mailbox copied (records equal
 * through the list API, attachment bytes identical), nothing changed by a second pass,
 * changes and new extensions on the source carried over, and what the source's
 * retention removes kept here.
 */
describe('mirror: a pass copies the source account', () => {
  let pair: { source: RunningServer; local: RunningServer }
  let alice: Platform

  before(async () => {
    // The source's clock is manual (its retention runs when the test moves it); the
    // local sweep runs every second, to show it leaves the mirrored account alone.
    pair = await startPair(
      { args: ['--clock', 'manual'] },
      { args: ['--retention-interval', 'PT1S', '--shared-store'] },
    )
    alice = await login(pair.source.baseUrl, ALICE)
    const { source } = pair
    await deliver(source, {
      type: 'SMS',
      from: OUTSIDE,
      to: [ALICE.username, BOB.username],
      text: 'hello both',
    })
    await deliverOne(source, {
      type: 'MMS',
      from: OUTSIDE,
      to: [ALICE.username],
      text: 'a picture',
      attachments: [{ contentType: 'image/png', fileName: 'p.png', base64: b64(bytes(5000, 1)) }],
    })
    await deliverOne(source, {
      type: 'Fax',
      from: OUTSIDE,
      to: [ALICE.username],
      faxPageCount: 2,
      attachments: [{ contentType: 'application/pdf', base64: b64(bytes(20_000, 2)) }],
    })
    await deliverOne(source, {
      type: 'VoiceMail',
      from: OUTSIDE,
      to: [BOB.username],
      attachments: [{ contentType: 'audio/wav', base64: b64(bytes(12_000, 3)), vmDuration: 7 }],
    })
    // The same bytes again in another mailbox: stored once here too.
    await deliverOne(source, {
      type: 'VoiceMail',
      from: OUTSIDE,
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', base64: b64(bytes(12_000, 3)), vmDuration: 7 }],
    })
    await alice.post('/restapi/v1.0/account/~/extension/~/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: BOB.username }],
      text: 'internal, both copies',
    })
    const gone = await deliverOne(source, {
      type: 'SMS',
      from: OUTSIDE,
      to: [ALICE.username],
      text: 'deleted first',
    })
    await alice.delete(`${MESSAGE_STORE}/${gone}`)
  })

  after(async () => {
    await Promise.all([pair.source.stop(), pair.local.stop()])
  })

  test('every mailbox, every type, Deleted ones too; attachments byte for byte; the status route', async () => {
    const result = await mirrorOnce(pair.source, pair.local)
    assert.match(result.stdout, /mirror: pass over 4 mailboxes/)
    const compared = await assertMirrored(pair, EXTENSIONS)
    assert.ok(compared >= 9, `compared ${compared} records`)
    const deleted = [...(await mailbox(await loginAdmin(pair.local), pair.local.baseUrl, '62001')).values()]
    assert.ok(
      deleted.some((r) => r.availability === 'Deleted'),
      'the Deleted folder came over',
    )

    const status = await mirrorStatus(pair.local)
    assert.deepEqual([...status.keys()].sort(), EXTENSIONS)
    const a = status.get('62001')
    assert.equal(a.errors, 0)
    assert.equal(a.extensionNumber, '101')
    assert.ok(a.messagesMirrored >= 6, JSON.stringify(a))
    assert.ok(a.attachmentsMirrored >= 3, JSON.stringify(a))
    assert.ok(Date.parse(a.lastSyncTime) > 0 && Date.parse(a.lastFullSyncTime) > 0)
    assert.equal(typeof a.syncTokenAgeSeconds, 'number')
  })

  test('a second pass changes nothing: no record, no change number', async () => {
    const local = await loginAdmin(pair.local)
    const fsync = await (
      await local.get('/restapi/v1.0/account/~/extension/62001/message-sync', {
        syncType: 'FSync',
        dateFrom: FROM_1970,
      })
    ).json()
    const before = await mirrorStatus(pair.local)
    await mirrorOnce(pair.source, pair.local)
    const afterwards = await mirrorStatus(pair.local)
    for (const id of EXTENSIONS)
      assert.equal(afterwards.get(id).messagesMirrored, before.get(id).messagesMirrored, `mailbox ${id}`)
    const isync = await (
      await local.get('/restapi/v1.0/account/~/extension/62001/message-sync', {
        syncType: 'ISync',
        syncToken: fsync.syncInfo.syncToken,
      })
    ).json()
    assert.deepEqual(isync.records, [], 'a sync client of the local store sees nothing new')
    await assertMirrored(pair, EXTENSIONS)
  })

  test('read status, a delete and a new message on the source, and a new extension, reach the local copy', async () => {
    const list = await (await alice.get(MESSAGE_STORE, { dateFrom: FROM_1970, perPage: 100 })).json()
    const [first, second] = list.records as { id: number }[]
    await alice.put(`${MESSAGE_STORE}/${first!.id}`, { readStatus: 'Read' })
    await alice.delete(`${MESSAGE_STORE}/${second!.id}`)
    await deliverOne(pair.source, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'later' })
    const provisioned = await pair.source.admin('POST', '/admin/v1/provision', {
      accounts: [
        {
          id: ACCOUNT,
          name: 'Acme Inc',
          mainNumber: '+16505550100',
          extensions: [
            {
              id: '62004',
              extensionNumber: '104',
              name: 'Newcomer',
              password: 'new-secret',
              phoneNumbers: ['+16505550104'],
            },
          ],
        },
      ],
    })
    assert.equal(provisioned.status, 200, JSON.stringify(provisioned.body))
    await deliverOne(pair.source, {
      type: 'VoiceMail',
      from: OUTSIDE,
      to: ['+16505550104'],
      attachments: [{ contentType: 'audio/wav', base64: b64(bytes(3000, 9)) }],
    })

    await mirrorOnce(pair.source, pair.local)
    await assertMirrored(pair, [...EXTENSIONS, '62004'])
    const local = await mailbox(await loginAdmin(pair.local), pair.local.baseUrl, '62001')
    assert.equal(local.get(first!.id).readStatus, 'Read')
    assert.equal(local.get(second!.id).availability, 'Deleted')
    assert.ok((await mirrorStatus(pair.local)).has('62004'), 'the new extension is mirrored')
  })

  test("the source's retention removes old voicemails; the local copies stay, readable", async () => {
    // 201 voicemails in Bob's inbox: the source keeps 200, the oldest goes.
    const now = Date.parse((await pair.source.admin('GET', '/admin/v1/clock')).body.now)
    const ids: number[] = []
    for (let i = 0; i < 201; i++) {
      ids.push(
        await deliverOne(pair.source, {
          type: 'VoiceMail',
          from: OUTSIDE,
          to: [BOB.username],
          creationTime: new Date(now - 1_000_000 + i * 1000).toISOString(),
          attachments: [{ contentType: 'audio/wav', base64: b64(bytes(200, i)) }],
        }),
      )
    }
    await mirrorOnce(pair.source, pair.local)
    await advance(pair.source, 'PT1M')
    const bob = await login(pair.source.baseUrl, BOB)
    const onSource = await mailbox(bob, pair.source.baseUrl, '~')
    const oldest = ids.filter((id) => !onSource.has(id))
    assert.ok(oldest.length >= 1, 'the source removed the oldest')

    await mirrorOnce(pair.source, pair.local)
    // The local retention sweep (every second) has had time to run.
    await new Promise((r) => setTimeout(r, 2500))
    const localAdmin = await loginAdmin(pair.local)
    const local = await mailbox(localAdmin, pair.local.baseUrl, BOB.id)
    for (const id of oldest) {
      const kept = local.get(id)
      assert.equal(kept?.availability, 'Alive', `voicemail ${id} is still here`)
      const content = await localAdmin.get(kept.attachments[0].uri.replace('BASE', ''))
      assert.equal(Buffer.from(await content.arrayBuffer()).length, 200)
    }
    for (const id of ids) assert.ok(local.has(id), `voicemail ${id} is here`)
  })
})
