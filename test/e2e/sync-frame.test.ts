import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { ALICE, deliver, failure, login, type Platform, STORE, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import { advance, assertSameRecords, fsync, LocalCopy, SYNC, serverList } from '../helpers/sync.js'

const HOUR = 3600_000
const DAY = 24 * HOUR
const iso = (ms: number) => new Date(ms).toISOString()

/** Sync frames: the filters, the guide's date defaults, recordCount, and widening by ISync. */
describe('message sync: frames', () => {
  let server: RunningServer
  let alice: Platform
  let now: number

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
  })

  after(async () => {
    await server.stop()
  })

  // Each test starts from an empty mailbox: Alice's, every message purged.
  beforeEach(async () => {
    await alice.delete(STORE, undefined, { purge: true, dateTo: iso(Date.parse('2100-01-01')) })
    now = await advance(server, 'PT1M')
  })

  async function sms(text: string, at: number, from = '+14155550123'): Promise<number> {
    const [id] = await deliver(server, {
      type: 'SMS',
      from,
      to: [ALICE.username],
      text,
      creationTime: iso(at),
    })
    return id!
  }

  async function voicemail(at: number): Promise<number> {
    const [id] = await deliver(server, { type: 'VoiceMail', to: [ALICE.username], creationTime: iso(at) })
    return id!
  }

  test("the guide's defaults: the week up to now; older messages are left out and reported to exist", async () => {
    const old = await sms('eight days old', now - 8 * DAY)
    const recent = await sms('six days old', now - 6 * DAY)
    const answer = await fsync(alice)
    assert.deepEqual(
      answer.records.map((r) => r.id),
      [recent],
    )
    assert.equal(answer.syncInfo.olderRecordsExist, true)
    assert.ok(!answer.records.some((r) => r.id === old))
    // dateTo alone: the week before it.
    const earlier = await fsync(alice, { dateTo: iso(now - 7 * DAY) })
    assert.deepEqual(
      earlier.records.map((r) => r.id),
      [old],
    )
  })

  test('a fixed frame (dateFrom and dateTo): changes outside it are not reported', async () => {
    const inside = await sms('inside', now - 3 * DAY)
    const outside = await sms('outside', now - 10 * DAY)
    const copy = new LocalCopy()
    copy.full(await fsync(alice, { dateFrom: iso(now - 5 * DAY), dateTo: iso(now - 1 * DAY) }))
    assert.deepEqual(copy.ids(), [inside])
    await sms('later than dateTo', now)
    await alice.put(`${STORE}/${outside}`, { readStatus: 'Read' })
    assert.deepEqual((await copy.refresh(alice)).records, [])
    await alice.put(`${STORE}/${inside}`, { readStatus: 'Read' })
    const answer = await copy.refresh(alice)
    assert.deepEqual(
      answer.records.map((r) => [r.id, r.readStatus]),
      [[inside, 'Read']],
    )
  })

  test('messageType, direction and conversationId frames report only their own messages', async () => {
    const text = await sms('text', now - HOUR)
    const vm = await voicemail(now - HOUR)
    const byType = new LocalCopy()
    byType.full(await fsync(alice, { messageType: ['VoiceMail'] }))
    assert.deepEqual(byType.ids(), [vm])
    const outbound = new LocalCopy()
    outbound.full(await fsync(alice, { direction: ['Outbound'] }))
    assert.deepEqual(outbound.ids(), [])
    const conversation = (await (await alice.get(`${STORE}/${text}`)).json()).conversationId
    const byConversation = new LocalCopy()
    byConversation.full(await fsync(alice, { conversationId: conversation }))
    assert.deepEqual(byConversation.ids(), [text])

    const sameConversation = await sms('same conversation', now)
    const otherConversation = await sms('another number', now, '+14155550999')
    const vm2 = await voicemail(now)
    await alice.put(`${STORE}/${text}`, { readStatus: 'Read' })

    assert.deepEqual(
      (await byType.refresh(alice)).records.map((r) => r.id),
      [vm2],
    )
    assert.deepEqual((await outbound.refresh(alice)).records, [])
    assert.deepEqual(
      (await byConversation.refresh(alice)).records.map((r) => r.id).sort(),
      [sameConversation, text].sort(),
    )
    assert.ok(!byConversation.records().has(otherConversation))
  })

  test('recordCount: at most that many, the newest; the frame stays cut there', async () => {
    const ids: number[] = []
    for (let i = 5; i >= 1; i--) ids.push(await sms(`m${i}`, now - i * HOUR))
    // ids: oldest first
    const copy = new LocalCopy()
    const full = await fsync(alice, { recordCount: 2 })
    copy.full(full)
    assert.deepEqual(
      full.records.map((r) => r.id),
      [ids[4], ids[3]],
    )
    assert.equal(full.syncInfo.olderRecordsExist, true)

    // A change below the cut is not the client's business; a new message is.
    await alice.put(`${STORE}/${ids[0]}`, { readStatus: 'Read' })
    const fresh = await sms('new', now)
    const answer = await copy.refresh(alice)
    assert.deepEqual(
      answer.records.map((r) => r.id),
      [fresh],
    )
    assert.equal(answer.syncInfo.olderRecordsExist, true)

    // A larger recordCount widens the frame down to the 4th newest.
    const wider = await copy.refresh(alice, { recordCount: 4 })
    assert.deepEqual(
      wider.records.map((r) => r.id),
      [ids[2]],
    )
    assert.deepEqual(
      copy.ids(),
      [ids[2], ids[3], ids[4], fresh].sort((a, b) => a! - b!),
    )
    // A smaller one never narrows it.
    assert.deepEqual((await copy.refresh(alice, { recordCount: 1 })).records, [])
    assert.equal(copy.ids().length, 4)
    // Enough to hold all: the whole week, nothing older left.
    const all = await copy.refresh(alice, { recordCount: 100 })
    assert.deepEqual(all.records.map((r) => r.id).sort(), [ids[0], ids[1]].sort())
    assert.equal(all.syncInfo.olderRecordsExist, false)
    assertSameRecords(copy.records(), await serverList(alice, { dateFrom: iso(now - 7 * DAY) }))
  })

  test('recordCount=0: no records, and the frame holds only what comes later', async () => {
    await sms('before', now - HOUR)
    const copy = new LocalCopy()
    const full = await fsync(alice, { recordCount: 0 })
    copy.full(full)
    assert.deepEqual(full.records, [])
    assert.equal(full.syncInfo.olderRecordsExist, true)
    const later = await sms('after', now)
    assert.deepEqual(
      (await copy.refresh(alice)).records.map((r) => r.id),
      [later],
    )
  })

  test('a negative, fractional or non-numeric recordCount is a 400', async () => {
    for (const recordCount of ['-1', 'abc', '1.5', '1e3', '99999999999']) {
      for (const syncType of ['FSync', 'ISync']) {
        const token = (await fsync(alice)).syncInfo.syncToken
        const res = await failure(alice.get(SYNC, { syncType, syncToken: token, recordCount }))
        assert.equal(res.status, 400, `${syncType} recordCount=${recordCount}`)
        assert.equal(res.body.errors[0].parameterName, 'recordCount')
      }
    }
  })

  test('ISync with an earlier dateFrom widens the frame: the older records come, then their changes', async () => {
    const old = await sms('ten days old', now - 10 * DAY)
    const older = await sms('twenty days old', now - 20 * DAY)
    const recent = await sms('recent', now - HOUR)
    const copy = new LocalCopy()
    copy.full(await fsync(alice))
    assert.deepEqual(copy.ids(), [recent])
    const answer = await copy.refresh(alice, { dateFrom: iso(now - 15 * DAY) })
    assert.deepEqual(
      answer.records.map((r) => r.id),
      [old],
    )
    assert.equal(answer.syncInfo.olderRecordsExist, true)
    assertSameRecords(copy.records(), await serverList(alice, { dateFrom: iso(now - 15 * DAY) }))
    // The widened frame is the token's from now on.
    await alice.put(`${STORE}/${old}`, { readStatus: 'Read' })
    await alice.put(`${STORE}/${older}`, { readStatus: 'Read' })
    assert.deepEqual(
      (await copy.refresh(alice)).records.map((r) => [r.id, r.readStatus]),
      [[old, 'Read']],
    )
    // A later dateFrom does not narrow it.
    assert.deepEqual((await copy.refresh(alice, { dateFrom: iso(now - DAY) })).records, [])
    await alice.put(`${STORE}/${old}`, { readStatus: 'Unread' })
    assert.deepEqual(
      (await copy.refresh(alice)).records.map((r) => r.id),
      [old],
    )
  })

  test('ISync with a later dateTo widens a fixed frame upwards', async () => {
    const early = await sms('early', now - 3 * DAY)
    const middle = await sms('middle', now - 2 * DAY)
    const copy = new LocalCopy()
    copy.full(await fsync(alice, { dateFrom: iso(now - 4 * DAY), dateTo: iso(now - 2.5 * DAY) }))
    assert.deepEqual(copy.ids(), [early])
    const answer = await copy.refresh(alice, { dateTo: iso(now - DAY) })
    assert.deepEqual(
      answer.records.map((r) => r.id),
      [middle],
    )
    await sms('after the new dateTo', now)
    assert.deepEqual((await copy.refresh(alice)).records, [])
    assertSameRecords(
      copy.records(),
      await serverList(alice, { dateFrom: iso(now - 4 * DAY), dateTo: iso(now - DAY) }),
    )
  })

  test('distinctConversations: one message per conversation, kept in step as conversations change', async () => {
    const a1 = await sms('a1', now - 3 * HOUR, '+14155550001')
    const a2 = await sms('a2', now - 2 * HOUR, '+14155550001')
    const b1 = await sms('b1', now - 3 * HOUR, '+14155550002')
    const b2 = await sms('b2', now - HOUR, '+14155550002')
    const vm = await voicemail(now - HOUR)
    const frame = { distinctConversations: true }
    const server_ = async () =>
      serverList(alice, { dateFrom: iso(now - 7 * DAY), distinctConversations: true })
    const copy = new LocalCopy(true)
    copy.full(await fsync(alice, frame))
    assert.deepEqual(
      copy.ids(),
      [a2, b2, vm].sort((x, y) => x - y),
    )
    assertSameRecords(copy.records(), await server_(), 'after FSync')

    // A new message replaces its conversation's.
    const a3 = await sms('a3', now, '+14155550001')
    await copy.refresh(alice)
    assert.ok(copy.records().has(a3) && !copy.records().has(a2))
    assertSameRecords(copy.records(), await server_(), 'after a new message')

    // The newest deleted: the one before it stands for the conversation again.
    await alice.delete(`${STORE}/${b2}`)
    await copy.refresh(alice)
    assert.ok(copy.records().has(b1))
    assertSameRecords(copy.records(), await server_(), 'after a delete')

    // Restored: it is the newest again.
    await alice.patch(`${STORE}/${b2}`, { availability: 'Alive' })
    await copy.refresh(alice)
    assertSameRecords(copy.records(), await server_(), 'after a restore')

    // A change to a message that is not the newest leaves the conversation as it is.
    await alice.put(`${STORE}/${a1}`, { readStatus: 'Read' })
    await copy.refresh(alice)
    assertSameRecords(copy.records(), await server_(), 'after reading an older one')

    // Every message of a conversation gone: the conversation goes.
    for (const id of [b1, b2]) await alice.delete(`${STORE}/${id}`, undefined, { purge: true })
    await copy.refresh(alice)
    assertSameRecords(copy.records(), await server_(), 'after purging a conversation')
    assert.ok(![...copy.records().keys()].some((id) => id === b1 || id === b2))
  })
})
