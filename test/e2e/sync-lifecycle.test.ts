import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  blobKept,
  deliver,
  everything,
  failure,
  fakeFile,
  login,
  type Platform,
  record,
  STORE,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import { advance, assertSameRecords, clockNow, fsync, LocalCopy, serverList } from '../helpers/sync.js'

const DAY = 24 * 3600_000
const iso = (ms: number) => new Date(ms).toISOString()

/** Deleted → Purged after 5 days, Purged → removed 5 days later, on the manual clock, seen by ISync. */
describe('life cycle over time: purge after 5 days, removal 5 days later', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let since: string

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    // Long enough for every test's messages, whatever the clock has done by then.
    since = iso((await clockNow(server)) - 7 * DAY)
  })

  after(async () => {
    await server.stop()
  })

  /** Moves the clock; logs in again, since days later the sessions have expired. */
  async function move(duration: string): Promise<number> {
    const now = await advance(server, duration)
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    return now
  }

  async function voicemail(to: string[] = [ALICE.username]) {
    const bytes = fakeFile('wav', 3000)
    const ids = await deliver(server, {
      type: 'VoiceMail',
      to,
      attachments: [{ contentType: 'audio/wav', fileName: 'vm.wav', bytes, vmDuration: 2 }],
    })
    return { ids, bytes }
  }

  async function listedIds(platform: Platform, availability: string[]): Promise<number[]> {
    return [...(await serverList(platform, { dateFrom: since, availability })).keys()]
  }

  test('Deleted stays 5 days, then is Purged (bytes erased, blob freed); Purged stays 5 more days, then is removed', async () => {
    const { ids, bytes } = await voicemail()
    const id = ids[0]!
    const copy = new LocalCopy()
    copy.full(await fsync(alice, { dateFrom: since }))
    assert.ok(copy.records().has(id))
    const alive = await record(alice, id)

    const deletedAt = await move('PT1M')
    await alice.delete(`${STORE}/${id}`)
    await copy.refresh(alice)
    assert.ok(!copy.records().has(id))

    await move('P4DT23H59M')
    assert.equal((await record(alice, id)).availability, 'Deleted', 'still Deleted a minute before 5 days')
    const content = await alice.get(alive.attachments[0].uri)
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes, 'a Deleted message keeps its bytes')

    await move('PT1M')
    const purged = await record(alice, id)
    assert.equal(purged.availability, 'Purged', 'Purged once 5 days have passed')
    assert.equal(purged.lastModifiedTime, iso(deletedAt + 5 * DAY), 'purged when it came due')
    assert.deepEqual(purged.attachments, alive.attachments, 'attachment metadata is kept')
    assert.equal((await failure(alice.get(alive.attachments[0].uri))).status, 404, 'the bytes are gone')
    assert.ok(!(await blobKept(server, bytes)), 'the blob is freed')
    let answer = await copy.refresh(alice)
    assert.deepEqual(answer.records, [
      {
        uri: `${server.baseUrl}/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store/${id}`,
        id,
        availability: 'Purged',
      },
    ])
    assert.ok((await listedIds(alice, ['Purged'])).includes(id))

    await move('P4DT23H59M')
    assert.equal((await record(alice, id)).availability, 'Purged', 'still there a minute before 5 more days')
    await move('PT1M')
    assert.equal((await failure(alice.get(`${STORE}/${id}`))).status, 404, 'removed for good')
    assert.ok(!(await listedIds(alice, ['Alive', 'Deleted', 'Purged'])).includes(id))
    // The removal is a change of its own: ISync reports it with id and availability.
    answer = await copy.refresh(alice)
    assert.deepEqual(
      answer.records.map((r) => [r.id, r.availability]),
      [[id, 'Purged']],
    )
    assertSameRecords(copy.records(), await serverList(alice, { dateFrom: since }))
  })

  test('a message restored within the 5 days is never purged', async () => {
    const { ids } = await voicemail()
    const id = ids[0]!
    await alice.delete(`${STORE}/${id}`)
    await move('P4D')
    await alice.patch(`${STORE}/${id}`, { availability: 'Alive' })
    await move('P2D')
    assert.equal((await record(alice, id)).availability, 'Alive')
    // Deleted again: the 5 days start again.
    await alice.delete(`${STORE}/${id}`)
    await move('P4D')
    assert.equal((await record(alice, id)).availability, 'Deleted')
    await move('P1D')
    assert.equal((await record(alice, id)).availability, 'Purged')
  })

  test('purged by the API, a message is removed 5 days later; a clock jump of 10 days does both steps at once', async () => {
    const { ids } = await voicemail()
    const purgedNow = ids[0]!
    await alice.delete(`${STORE}/${purgedNow}`, undefined, { purge: true })
    const { ids: more } = await voicemail()
    const deleted = more[0]!
    await alice.delete(`${STORE}/${deleted}`)
    const copy = new LocalCopy()
    copy.full(await fsync(alice, { dateFrom: since }))

    await move('P5D')
    assert.equal((await failure(alice.get(`${STORE}/${purgedNow}`))).status, 404)
    assert.equal((await record(alice, deleted)).availability, 'Purged')
    await move('P10D')
    assert.equal((await failure(alice.get(`${STORE}/${deleted}`))).status, 404)

    const { ids: last } = await voicemail()
    await alice.delete(`${STORE}/${last[0]}`)
    await move('P10D')
    assert.equal(
      (await failure(alice.get(`${STORE}/${last[0]}`))).status,
      404,
      'purged and removed in one move',
    )
    // (Earlier tests' messages may be removed meanwhile too: they are reported as well.)
    const answer = await copy.refresh(alice)
    const reported = new Map(answer.records.map((r) => [r.id, r.availability]))
    for (const id of [purgedNow, deleted, last[0]!]) assert.equal(reported.get(id), 'Purged', `message ${id}`)
    assertSameRecords(copy.records(), await serverList(alice, { dateFrom: since }))
  })

  test("bytes shared with another mailbox's copy survive until no copy references them; the other mailbox is untouched", async () => {
    const { ids, bytes } = await voicemail([ALICE.username, BOB.username])
    const [mine, bobs] = ids as [number, number]
    const bobBefore = await everything(bob)
    const bobCopy = new LocalCopy()
    bobCopy.full(await fsync(bob, { dateFrom: since }))
    await alice.delete(`${STORE}/${mine}`)
    await move('P11D')
    assert.equal((await failure(alice.get(`${STORE}/${mine}`))).status, 404)
    assert.ok(await blobKept(server, bytes), "Bob's copy still holds the bytes")
    const bobsRecord = await record(bob, bobs)
    const content = await bob.get(bobsRecord.attachments[0].uri)
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes)
    assert.deepEqual(await everything(bob), bobBefore)
    assert.deepEqual((await bobCopy.refresh(bob)).records, [], "nothing changed in Bob's mailbox")

    await bob.delete(`${STORE}/${bobs}`)
    await move('P5D')
    assert.equal((await record(bob, bobs)).availability, 'Purged')
    assert.ok(!(await blobKept(server, bytes)), 'the last reference gone, the blob is freed')
  })
})

describe('life cycle periods are configurable for the whole store', () => {
  let server: RunningServer
  let alice: Platform

  before(async () => {
    server = await startStandard({
      args: ['--clock', 'manual', '--purge-after', 'PT2H', '--remove-after', 'PT30M'],
    })
    alice = (await login(server, ALICE)).platform
  })

  after(async () => {
    await server.stop()
  })

  test('--purge-after PT2H and --remove-after PT30M', async () => {
    const [id] = await deliver(server, { type: 'SMS', to: [ALICE.username], text: 'short lived' })
    await alice.delete(`${STORE}/${id}`)
    await advance(server, 'PT1H59M')
    assert.equal((await record(alice, id!)).availability, 'Deleted')
    await advance(server, 'PT1M')
    assert.equal((await record(alice, id!)).availability, 'Purged')
    await advance(server, 'PT29M')
    assert.equal((await record(alice, id!)).availability, 'Purged')
    await advance(server, 'PT1M')
    assert.equal((await failure(alice.get(`${STORE}/${id}`))).status, 404)
  })

  test('a bad period stops the server with a message naming the option', async () => {
    const { startServer } = await import('../helpers/server.js')
    await assert.rejects(startServer({ args: ['--purge-after', 'five days'] }), /--purge-after/)
    await assert.rejects(startServer({ args: [], env: { MSGSTORE_REMOVE_AFTER: 'P-1D' } }), /--remove-after/)
  })
})
