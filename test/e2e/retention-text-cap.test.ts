import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, deliver, login, type Platform, STORE, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import { advance, clockNow, fsync, inBatches, LocalCopy, serverList } from '../helpers/sync.js'

/**
 * The folder limit this server is started with (RingCentral's 5,000 is the default,
 * test/unit/config.test.ts): the rule is the same at any count, and a small one keeps
 * the run short.
 */
const CAP = 50
const OVER = 10
const SECOND = 1000
const DAY = 24 * 3600 * SECOND
/** A recipient the carrier simulator keeps Queued (in the Outbox) until 10 minutes have passed. */
const SLOW = '+15005550003'
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Text messages: at most CAP per folder (Inbox, Outbox, Sent, Deleted) per user, the
 * oldest removed first. Filled through the real APIs: the admin inbound API for Bob's
 * Inbox, the sms endpoint for Alice's Outbox and Sent, many calls at once.
 */
describe('retention: a cap on text messages per folder', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let now: number
  let since: string

  let dataDir: string

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-text-cap-'))
    server = await startStandard({ dataDir, args: ['--clock', 'manual', '--text-folder-cap', String(CAP)] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    now = await clockNow(server)
    since = iso(now - 7 * DAY)
  })

  after(async () => {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const folder = (platform: Platform, query: Record<string, unknown>) =>
    serverList(platform, { dateFrom: since, dateTo: iso(now + 30 * DAY), messageType: ['SMS'], ...query })

  test('Inbox: CAP + 10 received, the 10 oldest removed; then Deleted: CAP + 10 deleted, the 10 oldest removed', async () => {
    const times = Array.from({ length: CAP + OVER }, (_, i) => now - DAY + i * SECOND)
    // Text messages are SMS and MMS (stored as SMS); an MMS with no text and no media is the cheapest to store.
    const ids = await inBatches(times, 16, async (at, i) => {
      const message = i % 10 === 0 ? { type: 'SMS' as const, text: `text ${i}` } : { type: 'MMS' as const }
      const [id] = await deliver(server, { ...message, to: [BOB.username], creationTime: iso(at) })
      return id!
    })
    const copy = new LocalCopy()
    copy.full(await fsync(bob, { dateFrom: since }))
    assert.equal(copy.ids().length, CAP + OVER)

    await advance(server, 'PT1M')
    const inbox = await folder(bob, { direction: ['Inbound'] })
    assert.equal(inbox.size, CAP)
    for (const id of ids.slice(0, OVER)) assert.ok(!inbox.has(id), `the oldest, ${id}, is removed`)
    const answer = await copy.refresh(bob)
    assert.deepEqual(
      answer.records.map((r) => [r.id, r.availability]).sort(),
      ids
        .slice(0, OVER)
        .map((id) => [id, 'Purged'])
        .sort(),
    )
    assert.equal(copy.ids().length, CAP)

    // Deleted: the CAP and ten more, newer ones.
    const more = await inBatches(times.slice(0, OVER), OVER, async (at, i) => {
      const [id] = await deliver(server, {
        type: 'SMS',
        to: [BOB.username],
        text: `more ${i}`,
        creationTime: iso(at + DAY / 2),
      })
      return id!
    })
    await bob.delete(STORE, undefined, { type: 'SMS', dateTo: iso(now + DAY) })
    assert.equal((await folder(bob, { availability: ['Deleted'] })).size, CAP + OVER)
    await advance(server, 'PT1M')
    const deleted = await folder(bob, { availability: ['Deleted'] })
    assert.equal(deleted.size, CAP)
    // The oldest Deleted go (by creationTime): the oldest ten of the first batch.
    for (const id of ids.slice(OVER, 2 * OVER)) assert.ok(!deleted.has(id), `${id} is removed`)
    for (const id of more) assert.ok(deleted.has(id))
  })

  test('Outbox: CAP + 10 queued, the 10 oldest removed; once sent, the Sent folder holds them within its own limit', async () => {
    const sent = await inBatches(
      Array.from({ length: CAP + OVER }, (_, i) => i),
      16,
      async (i) => {
        const res = await alice.post('/restapi/v1.0/account/~/extension/~/sms', {
          from: { phoneNumber: ALICE.username },
          to: [{ phoneNumber: SLOW }],
          text: `out ${i}`,
        })
        return (await res.json()).id as number
      },
    )
    // All sent at the same clock time: the oldest are those created first (lowest ids).
    sent.sort((a, b) => a - b)
    await advance(server, 'PT1M')
    const outbox = await folder(alice, { direction: ['Outbound'] })
    assert.equal(outbox.size, CAP)
    for (const id of sent.slice(0, OVER)) assert.ok(!outbox.has(id), `the oldest, ${id}, is removed`)
    assert.ok([...outbox.values()].every((m) => m.messageStatus === 'Queued'))

    // Ten minutes on, the carrier sends them: CAP in Sent, none over.
    await advance(server, 'PT10M')
    await advance(server, 'PT1M')
    const sentFolder = await folder(alice, { direction: ['Outbound'] })
    assert.equal(sentFolder.size, CAP)
    assert.ok([...sentFolder.values()].every((m) => m.messageStatus !== 'Queued'))

    // Ten more sent: the Sent folder is over, the oldest ten go.
    const extra = await inBatches(
      Array.from({ length: OVER }, (_, i) => i),
      OVER,
      async (i) => {
        const res = await alice.post('/restapi/v1.0/account/~/extension/~/sms', {
          from: { phoneNumber: ALICE.username },
          to: [{ phoneNumber: '+14155550123' }],
          text: `extra ${i}`,
        })
        return (await res.json()).id as number
      },
    )
    await advance(server, 'PT5M')
    await advance(server, 'PT1M')
    const after = await folder(alice, { direction: ['Outbound'] })
    assert.equal(after.size, CAP)
    for (const id of extra) assert.ok(after.has(id))
    for (const id of sent.slice(OVER, 2 * OVER)) assert.ok(!after.has(id), `${id} is removed`)
  })
})
