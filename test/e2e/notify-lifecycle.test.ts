import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Receiver, startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, deliverOne, login, type Platform } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const OUTSIDE = '+14155550123'
const STORE = '/restapi/v1.0/account/~/extension/~/message-store'

/**
 * The changes the store makes by itself, on its clock, notify as those a user makes do:
 * a sent message's delivery-state steps, the purge of a deleted message, and its removal
 * by retention. Each one change, one notification, with exact counts.
 */
describe('changes the store makes on its clock notify', () => {
  let server: RunningServer
  let alice: Platform
  const receiver = new Receiver()
  let seen = 0
  before(async () => {
    server = await startNotifying({
      args: ['--clock', 'manual', '--purge-after', 'PT1H', '--remove-after', 'PT1H'],
    })
    alice = await login(server.baseUrl, ALICE)
    await alice.post('/restapi/v1.0/subscription', {
      eventFilters: [STORE],
      deliveryMode: { transportType: 'WebHook', address: await receiver.start() },
    })
  })
  after(async () => {
    await receiver.stop()
    await server.stop()
  })

  /** The changes of the next notification. */
  async function nextChanges(): Promise<unknown> {
    await waitFor('the next notification', () => receiver.deliveries.length > seen)
    return receiver.deliveries[seen++]!.json.body.changes
  }

  async function advance(duration: string) {
    const res = await server.admin('POST', '/admin/v1/clock', { advance: duration })
    assert.equal(res.status, 200)
  }

  /** Nothing more arrives (the pipeline had time to carry it). */
  async function nothingMore() {
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal(
      receiver.deliveries.length,
      seen,
      JSON.stringify(receiver.deliveries.slice(seen).map((d) => d.json.body)),
    )
  }

  it('announces each delivery-state step of a sent SMS', async () => {
    const sent = await (
      await alice.post('/restapi/v1.0/account/~/extension/~/sms', {
        from: { phoneNumber: ALICE.username },
        to: [{ phoneNumber: OUTSIDE }],
        text: 'steps',
      })
    ).json()
    assert.equal(sent.messageStatus, 'Queued')
    assert.deepEqual(await nextChanges(), [
      { type: 'SMS', newCount: 1, updatedCount: 0, newMessageIds: [sent.id] },
    ])
    await advance('PT2S')
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] }])
    await advance('PT5M')
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] }])
    const status = (await (await alice.get(`${STORE}/${sent.id}`)).json()).messageStatus
    assert.equal(status, 'Delivered')
    await nothingMore()
  })

  it('announces a purge (a second DELETE), the purge of a deleted message by age, and removal by retention', async () => {
    const a = await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'a' })
    const b = await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'b' })
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 1, updatedCount: 0, newMessageIds: [a] }])
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 1, updatedCount: 0, newMessageIds: [b] }])

    // a: deleted, then purged by a second DELETE.
    await alice.delete(`${STORE}/${a}`)
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] }])
    await alice.delete(`${STORE}/${a}`)
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] }])
    assert.equal((await (await alice.get(`${STORE}/${a}`)).json()).availability, 'Purged')

    // b: deleted; purged by the store once --purge-after has passed.
    await alice.delete(`${STORE}/${b}`)
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] }])
    await advance('PT61M')
    // The sweep purges b, and removes a (Purged for more than --remove-after).
    const changes: any[] = []
    await waitFor('the sweep’s notifications', async () => {
      while (receiver.deliveries.length > seen) changes.push(...((await nextChanges()) as any[]))
      const updated = changes.reduce((n, c) => n + c.updatedCount, 0)
      return updated >= 2
    })
    assert.ok(changes.every((c) => c.type === 'SMS' && c.newCount === 0 && c.newMessageIds.length === 0))
    assert.equal(
      changes.reduce((n, c) => n + c.updatedCount, 0),
      2,
    )
    assert.equal((await (await alice.get(`${STORE}/${b}`)).json()).availability, 'Purged')
    // Another hour: b, Purged for longer than --remove-after, is removed.
    await advance('PT61M')
    assert.deepEqual(await nextChanges(), [{ type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] }])
    await nothingMore()
  })
})
