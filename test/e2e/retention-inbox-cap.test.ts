import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliver,
  everything,
  login,
  type Platform,
  STORE,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import {
  advance,
  assertSameRecords,
  clockNow,
  fsync,
  inBatches,
  LocalCopy,
  serverList,
} from '../helpers/sync.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const iso = (ms: number) => new Date(ms).toISOString()

/** Inbox faxes and voicemail: at most 200 per mailbox, the oldest (by creationTime) removed first. */
describe('retention: 200 faxes and voice messages in an inbox', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let now: number
  let since: string

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    now = await clockNow(server)
    since = iso(now - 7 * DAY)
  })

  after(async () => {
    await server.stop()
  })

  const inboxFaxesAndVoicemail = async (platform: Platform) =>
    serverList(platform, { dateFrom: since, messageType: ['Fax', 'VoiceMail'], direction: ['Inbound'] })

  test('210 in the inbox: the 10 oldest are removed, ISync reports each removal; Bob and SMS are untouched', async () => {
    // 199 land in both mailboxes (one transaction each), 11 more in Alice's only; oldest first.
    const times = Array.from({ length: 210 }, (_, i) => now - DAY + i * MINUTE)
    const ids = await inBatches(times, 8, async (at, i) => {
      const to = i < 199 ? [ALICE.username, BOB.username] : [ALICE.username]
      const [id] = await deliver(server, {
        type: i % 3 === 0 ? 'Fax' : 'VoiceMail',
        to,
        creationTime: iso(at),
      })
      return id!
    })
    // Deleted faxes are in the Deleted folder, not the inbox; SMS have their own limit.
    const deleted = await inBatches([1, 2, 3], 3, async (n) => {
      const [id] = await deliver(server, {
        type: 'Fax',
        to: [ALICE.username],
        creationTime: iso(now - 2 * DAY + n),
      })
      await alice.delete(`${STORE}/${id}`)
      return id!
    })
    const [text] = await deliver(server, {
      type: 'SMS',
      to: [ALICE.username],
      text: 'old text',
      creationTime: iso(now - 3 * DAY),
    })
    const bobBefore = await everything(bob)
    const copy = new LocalCopy()
    copy.full(await fsync(alice, { dateFrom: since }))
    assert.equal((await inboxFaxesAndVoicemail(alice)).size, 210)

    await advance(server, 'PT1M')
    const inbox = await inboxFaxesAndVoicemail(alice)
    assert.equal(inbox.size, 200)
    const removed = ids.slice(0, 10)
    for (const id of removed) assert.ok(!inbox.has(id), `the oldest, ${id}, is removed`)
    for (const id of ids.slice(10)) assert.ok(inbox.has(id), `${id} is kept`)
    const all = await everything(alice)
    for (const id of removed) assert.ok(!all.has(id), 'removed for good, not merely deleted')
    for (const id of deleted) assert.equal(all.get(id)?.availability, 'Deleted')
    assert.equal(all.get(text!)?.availability, 'Alive')
    assert.deepEqual(await everything(bob), bobBefore, "Bob's 199 are below the limit and untouched")

    const answer = await copy.refresh(alice)
    assert.deepEqual(
      answer.records.map((r) => [r.id, r.availability]).sort(),
      removed.map((id) => [id, 'Purged']).sort(),
    )
    assertSameRecords(copy.records(), await serverList(alice, { dateFrom: since }))
  })

  test('one more arrives: the oldest then goes, as soon as the sweep runs', async () => {
    const before = await inboxFaxesAndVoicemail(alice)
    const oldest = [...before.values()].sort(
      (a, b) => Date.parse(a.creationTime) - Date.parse(b.creationTime),
    )[0]
    const [fresh] = await deliver(server, { type: 'VoiceMail', to: [ALICE.username] })
    await advance(server, 'PT1M')
    const inbox = await inboxFaxesAndVoicemail(alice)
    assert.equal(inbox.size, 200)
    assert.ok(inbox.has(fresh!))
    assert.ok(!inbox.has(oldest.id))
  })

  test('a message older than all the others arriving in a full inbox is the one removed', async () => {
    const [ancient] = await deliver(server, {
      type: 'Fax',
      to: [ALICE.username],
      creationTime: iso(now - 6 * DAY),
    })
    await advance(server, 'PT1M')
    const inbox = await inboxFaxesAndVoicemail(alice)
    assert.equal(inbox.size, 200)
    assert.ok(!inbox.has(ancient!))
  })
})
