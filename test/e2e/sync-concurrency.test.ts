import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, deliver, login, type Platform, STORE, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import { assertSameRecords, clockNow, fsync, LocalCopy, seededRandom, serverList } from '../helpers/sync.js'

const WRITERS = 8
const MESSAGES_PER_WRITER = 40
const SYNCERS = 4

/**
 * No change is ever missed, whatever the timing: many writers (the admin inbound API,
 * some messages landing in two mailboxes at once, and reads, deletes and restores
 * through the REST API) race many clients syncing in a loop. Messages that are created
 * and never touched again are the strict part: an ISync that missed one would never
 * hear of it again. At the end every client's copy equals the server's list.
 */
describe('message sync under concurrent writes', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
  })

  after(async () => {
    await server.stop()
  })

  test('a message created while sync calls are in flight is returned by the next ISync', async () => {
    const since = new Date((await clockNow(server)) - 7 * 24 * 3600_000).toISOString()
    const clients = await Promise.all(
      Array.from({ length: SYNCERS }, async (_, i) => {
        const platform = i % 2 === 0 ? alice : (await login(server, ALICE)).platform
        const copy = new LocalCopy()
        copy.full(await fsync(platform))
        return { platform, copy, syncs: 0 }
      }),
    )
    const bobCopy = new LocalCopy()
    bobCopy.full(await fsync(bob))

    let writing = true
    const created: number[] = []
    const random = seededRandom(6)

    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < MESSAGES_PER_WRITER; i++) {
        // Every fifth message lands in both mailboxes in one transaction.
        const to = i % 5 === 0 ? [ALICE.username, BOB.username] : [ALICE.username]
        const ids = await deliver(server, { type: 'SMS', to, text: `w${w} m${i}` })
        created.push(ids[0]!)
      }
    })
    // Meanwhile, changes to messages already there: reads, deletes, restores, purges.
    const changers = Array.from({ length: 2 }, async () => {
      while (writing) {
        if (created.length < 10) {
          await new Promise((resolve) => setTimeout(resolve, 5))
          continue
        }
        // Only the first half of the messages is ever changed: the rest must arrive untouched.
        const id =
          created[Math.floor(random() * Math.min(created.length, (WRITERS * MESSAGES_PER_WRITER) / 2))]!
        const roll = random()
        const call =
          roll < 0.4
            ? alice.put(`${STORE}/${id}`, { readStatus: roll < 0.2 ? 'Read' : 'Unread' })
            : roll < 0.7
              ? alice.delete(`${STORE}/${id}`)
              : roll < 0.95
                ? alice.patch(`${STORE}/${id}`, { availability: 'Alive' })
                : alice.delete(`${STORE}/${id}`, undefined, { purge: true })
        // A restore of a Purged message is refused, a second delete purges: all fine here.
        await call.catch(() => undefined)
      }
    })
    const syncers = clients.map(async (client) => {
      while (writing) {
        await client.copy.refresh(client.platform)
        client.syncs++
      }
    })

    await Promise.all(writers)
    writing = false
    await Promise.all([...changers, ...syncers])

    const expected = await serverList(alice, { dateFrom: since })
    for (const [i, client] of clients.entries()) {
      await client.copy.refresh(client.platform)
      assert.ok(client.syncs > 3, `client ${i} synced ${client.syncs} times while the writers ran`)
      assertSameRecords(client.copy.records(), expected, `client ${i}`)
    }
    await bobCopy.refresh(bob)
    assertSameRecords(bobCopy.records(), await serverList(bob, { dateFrom: since }), "Bob's copy")
    assert.equal(created.length, WRITERS * MESSAGES_PER_WRITER)
    // The untouched half is all there, in every copy.
    const untouched = created.slice((WRITERS * MESSAGES_PER_WRITER) / 2)
    for (const client of clients)
      for (const id of untouched) assert.ok(client.copy.records().has(id), `message ${id}`)
  })
})
