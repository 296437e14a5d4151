import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliver,
  fakeFile,
  login,
  type Platform,
  record,
  STORE,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import { assertSameRecords, clockNow, fsync, isync, LocalCopy, SYNC, serverList } from '../helpers/sync.js'

// FSync, then ISync after each kind of change, through the official SDK, on the manual clock.
describe('message sync: FSync, then ISync after every kind of change', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let since: string

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    since = new Date((await clockNow(server)) - 7 * 24 * 3600_000).toISOString()
  })

  after(async () => {
    await server.stop()
  })

  async function voicemail(): Promise<number> {
    const [id] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [
        { contentType: 'audio/wav', fileName: 'vm.wav', bytes: fakeFile('wav', 2048), vmDuration: 4 },
      ],
    })
    return id!
  }

  /** The client's copy equals the server's Alive messages of the frame (the default week). */
  async function assertInStep(copy: LocalCopy, label: string) {
    assertSameRecords(copy.records(), await serverList(alice, { dateFrom: since }), label)
  }

  test('FSync of an empty mailbox: no records, a token, syncTime is the clock', async () => {
    const answer = await fsync(alice)
    assert.deepEqual(answer.records, [])
    assert.equal(answer.syncInfo.syncType, 'FSync')
    assert.equal(typeof answer.syncInfo.syncToken, 'string')
    assert.ok(answer.syncInfo.syncToken.length > 20)
    assert.equal(answer.syncInfo.syncTime, new Date(await clockNow(server)).toISOString())
    assert.equal(answer.syncInfo.olderRecordsExist, false)
    assert.match(answer.uri, /\/restapi\/v1\.0\/account\/~\/extension\/~\/message-sync\?syncType=FSync$/)
    const empty = await isync(alice, answer.syncInfo.syncToken)
    assert.deepEqual(empty.records, [])
    assert.equal(empty.syncInfo.syncType, 'ISync')
  })

  test('the answer echoes the request uri, less a token passed as access_token', async () => {
    const token = (await alice.auth().data()).access_token!
    const query = 'syncType=FSync&recordCount=5&messageType=SMS'
    const withHeader = await fetch(`${server.baseUrl}${SYNC}?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    })
    assert.equal(withHeader.status, 200)
    assert.equal((await withHeader.json()).uri, `${server.baseUrl}${SYNC}?${query}`)
    const inQuery = await fetch(`${server.baseUrl}${SYNC}?${query}&access_token=${encodeURIComponent(token)}`)
    assert.equal(inQuery.status, 200)
    const uri = (await inQuery.json()).uri as string
    assert.ok(!uri.includes(token), uri)
    assert.equal(uri, `${server.baseUrl}${SYNC}?${query}`)
  })

  test('new, read, deleted, restored and purged messages each reach the copy by ISync', async () => {
    const first = await smsTo(server, ALICE.username, 'first')
    const vm = await voicemail()
    const copy = new LocalCopy()
    const full = await fsync(alice)
    copy.full(full)
    // Newest first, the records of the message store.
    assert.deepEqual(
      full.records.map((r) => r.id),
      [vm, first],
    )
    assert.deepEqual(full.records[0], await record(alice, vm))
    await assertInStep(copy, 'after FSync')

    // Nothing changed: nothing to answer, and a token that still works.
    const quiet = await copy.refresh(alice)
    assert.deepEqual(quiet.records, [])

    // New.
    const second = await smsTo(server, ALICE.username, 'second')
    let answer = await copy.refresh(alice)
    assert.deepEqual(answer.records, [await record(alice, second)])
    await assertInStep(copy, 'after a new message')

    // Read.
    await alice.put(`${STORE}/${first}`, { readStatus: 'Read' })
    answer = await copy.refresh(alice)
    assert.deepEqual(answer.records, [await record(alice, first)])
    assert.equal(answer.records[0].readStatus, 'Read')
    await assertInStep(copy, 'after a read')

    // Deleted: only id and availability, the client drops it.
    await alice.delete(`${STORE}/${vm}`)
    answer = await copy.refresh(alice)
    assert.equal(answer.records.length, 1)
    assert.equal(answer.records[0].id, vm)
    assert.equal(answer.records[0].availability, 'Deleted')
    assert.equal(answer.records[0].attachments, undefined, 'only what the client needs to drop it')
    assert.ok(!copy.records().has(vm))
    await assertInStep(copy, 'after a delete')

    // Restored: the whole record again.
    await alice.patch(`${STORE}/${vm}`, { availability: 'Alive' })
    answer = await copy.refresh(alice)
    assert.deepEqual(answer.records, [await record(alice, vm)])
    await assertInStep(copy, 'after a restore')

    // Purged at once.
    await alice.delete(`${STORE}/${first}`, undefined, { purge: true })
    answer = await copy.refresh(alice)
    assert.deepEqual(
      answer.records.map((r) => [r.id, r.availability]),
      [[first, 'Purged']],
    )
    await assertInStep(copy, 'after a purge')

    // Several changes between two syncs: each message once, in its latest state.
    const third = await smsTo(server, ALICE.username, 'third')
    await alice.put(`${STORE}/${third}`, { readStatus: 'Read' })
    await alice.put(`${STORE}/${second}`, { readStatus: 'Read' })
    await alice.put(`${STORE}/${second}`, { readStatus: 'Unread' })
    await alice.delete(`${STORE}/${vm}`)
    answer = await copy.refresh(alice)
    assert.deepEqual(answer.records.map((r) => r.id).sort(), [second, third, vm].sort())
    await assertInStep(copy, 'after several changes')
  })

  test('an old token keeps working: each ISync answers the changes since its own token', async () => {
    const base = await fsync(alice)
    const a = await smsTo(server, ALICE.username, 'a')
    const mid = await isync(alice, base.syncInfo.syncToken)
    assert.deepEqual(
      mid.records.map((r) => r.id),
      [a],
    )
    const b = await smsTo(server, ALICE.username, 'b')
    // From the FSync token: both; from the ISync token: only the second.
    assert.deepEqual(
      (await isync(alice, base.syncInfo.syncToken)).records.map((r) => r.id),
      [a, b],
    )
    assert.deepEqual(
      (await isync(alice, mid.syncInfo.syncToken)).records.map((r) => r.id),
      [b],
    )
  })

  test("one mailbox's changes never show in another's sync", async () => {
    const bobCopy = new LocalCopy()
    bobCopy.full(await fsync(bob))
    await smsTo(server, ALICE.username, 'for alice only')
    await alice.put(`${STORE}/${await smsTo(server, ALICE.username, 'x')}`, { readStatus: 'Read' })
    assert.deepEqual((await bobCopy.refresh(bob)).records, [])
    const forBob = await smsTo(server, BOB.username, 'for bob')
    assert.deepEqual(
      (await bobCopy.refresh(bob)).records.map((r) => r.id),
      [forBob],
    )
  })

  test("a SuperAdmin syncs another extension's mailbox by its id; a user cannot", async () => {
    const id = await smsTo(server, BOB.username, 'bob again')
    const answer = await fsync(alice, {}, `/restapi/v1.0/account/~/extension/${BOB.id}/message-sync`)
    assert.ok(answer.records.some((r) => r.id === id))
    const res = await bob
      .get(`/restapi/v1.0/account/~/extension/${ALICE.id}/message-sync`, { syncType: 'FSync' })
      .catch((e) => e.response as Response)
    assert.equal(res.status, 403)
  })

  test('syncType defaults from the token; a bad syncType or an ISync without token is a 400', async () => {
    const res = await alice.get(SYNC)
    const body = await res.json()
    assert.equal(body.syncInfo.syncType, 'FSync')
    const again = await (await alice.get(SYNC, { syncToken: body.syncInfo.syncToken })).json()
    assert.equal(again.syncInfo.syncType, 'ISync')
    for (const query of [{ syncType: 'Full' }, { syncType: 'ISync' }, { syncType: 'ISync', syncToken: '' }]) {
      const failed = await alice.get(SYNC, query).catch((e) => e.response as Response)
      assert.equal(failed.status, 400, JSON.stringify(query))
      const error = await failed.json()
      assert.equal(error.errors[0].errorCode, 'CMN-101')
      assert.equal(error.errors[0].parameterName, query.syncType === 'Full' ? 'syncType' : 'syncToken')
    }
  })
})
