import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Receiver, startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, BOB, deliverOne, login, OLGA, type Platform, READONLY_APP, sdkError } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const ALICE_STORE = `/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store`
const BOB_STORE = `/restapi/v1.0/account/1001/extension/${BOB.id}/message-store`

describe('which changes notify, with exact counts', () => {
  let server: RunningServer
  let alice: Platform
  const receiver = new Receiver()
  let subscriptionId: string
  before(async () => {
    server = await startNotifying()
    alice = await login(server.baseUrl, ALICE)
    const address = await receiver.start()
    const info = await (
      await alice.post('/restapi/v1.0/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store', BOB_STORE],
        deliveryMode: { transportType: 'WebHook', address },
      })
    ).json()
    subscriptionId = info.id
  })
  after(async () => {
    await receiver.stop()
    await server.stop()
  })

  /** The next delivery whose event is `event`, after the `seen` first ones. */
  async function next(event: string, seen: { n: number }) {
    const found = await waitFor(`a notification of ${event}`, () => {
      const i = receiver.deliveries.findIndex((d, i) => i >= seen.n && d.json.event === event)
      return i >= 0 ? i + 1 : undefined
    })
    const delivery = receiver.deliveries[found - 1]!
    seen.n = found
    return delivery.json.body
  }

  it('announces sends (both internal copies), bulk read status, delete and restore', async () => {
    const seen = { n: 0 }
    const sent = await (
      await alice.post('/restapi/v1.0/account/~/extension/~/company-pager', {
        from: { extensionNumber: '101' },
        to: [{ extensionNumber: '102' }],
        text: 'internal hello',
      })
    ).json()
    const mine = await next(ALICE_STORE, seen)
    assert.deepEqual(mine.changes, [
      { type: 'Pager', newCount: 1, updatedCount: 0, newMessageIds: [sent.id] },
    ])
    const bobs = await next(BOB_STORE, { n: 0 })
    assert.equal(bobs.changes[0].newCount, 1)
    assert.equal(bobs.extensionId, BOB.id)

    const a = await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: 'a' })
    const b = await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: 'b' })
    await next(ALICE_STORE, seen)
    await next(ALICE_STORE, seen)

    // One request changing two messages: one notification counting both.
    await alice.put(`/restapi/v1.0/account/~/extension/~/message-store/${a},${b}`, { readStatus: 'Read' })
    const bulk = await next(ALICE_STORE, seen)
    assert.deepEqual(bulk.changes, [{ type: 'SMS', newCount: 0, updatedCount: 2, newMessageIds: [] }])

    await alice.delete(`/restapi/v1.0/account/~/extension/~/message-store/${a}`)
    assert.equal((await next(ALICE_STORE, seen)).changes[0].updatedCount, 1)
    await alice.patch(`/restapi/v1.0/account/~/extension/~/message-store/${a}`, { availability: 'Alive' })
    assert.equal((await next(ALICE_STORE, seen)).changes[0].updatedCount, 1)
    // A change that changes nothing (already read) announces nothing.
    const before = receiver.deliveries.length
    await alice.put(`/restapi/v1.0/account/~/extension/~/message-store/${b}`, { readStatus: 'Read' })
    await new Promise((r) => setTimeout(r, 1000))
    assert.equal(receiver.deliveries.length, before)
    assert.ok(receiver.deliveries.every((d) => d.json.subscriptionId === subscriptionId))
  })

  it('narrows by type and direction', async () => {
    const filtered = new Receiver()
    const address = await filtered.start()
    try {
      await alice.post('/restapi/v1.0/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store?type=Fax&direction=Inbound'],
        deliveryMode: { transportType: 'WebHook', address },
      })
      await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: 'not a fax' })
      const fax = await deliverOne(server, {
        type: 'Fax',
        from: '+14155550123',
        to: [ALICE.username],
        attachments: [
          { contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4 fax').toString('base64') },
        ],
      })
      await waitFor('the fax notification', () => filtered.deliveries.length >= 1)
      await new Promise((r) => setTimeout(r, 500))
      assert.equal(filtered.deliveries.length, 1)
      assert.deepEqual(filtered.deliveries[0]!.json.body.changes[0].newMessageIds, [fax])
    } finally {
      await filtered.stop()
    }
  })

  it('refuses bad filters, other extensions, other accounts, missing permission and the 31st subscription', async () => {
    const bob = await login(server.baseUrl, BOB)
    const create = (platform: Platform, eventFilters: string[]) =>
      sdkError(
        platform.post('/restapi/v1.0/subscription', {
          eventFilters,
          deliveryMode: { transportType: 'WebHook', address: 'http://127.0.0.1:9/none' },
        }),
      )
    let err = await create(alice, ['/restapi/v1.0/account/~/extension/~/no-such-thing'])
    assert.equal(err.status, 400)
    assert.equal(err.body.errorCode, 'SUB-508')
    err = await create(bob, [ALICE_STORE])
    assert.equal(err.status, 403)
    assert.equal(err.body.errorCode, 'SUB-405')
    err = await create(alice, [`/restapi/v1.0/account/2001/extension/${OLGA.id}/message-store`])
    assert.equal(err.status, 403)
    assert.equal(err.body.errorCode, 'SUB-406')
    const readonly = await login(server.baseUrl, ALICE, READONLY_APP)
    err = await create(readonly, ['/restapi/v1.0/account/~/extension/~/message-store'])
    assert.equal(err.status, 403)
    err = await sdkError(readonly.post('/restapi/oauth/wstoken'))
    assert.equal(err.status, 403)
    // Another user cannot read Alice's subscription.
    err = await sdkError(bob.get(`/restapi/v1.0/subscription/${subscriptionId}`))
    assert.equal(err.status, 404)

    const receiver30 = new Receiver()
    const address = await receiver30.start()
    try {
      const existing = (await (await bob.get('/restapi/v1.0/subscription')).json()).records.length
      for (let i = existing; i < 30; i++) {
        await bob.post('/restapi/v1.0/subscription', {
          eventFilters: ['/restapi/v1.0/account/~/extension/~/voicemail'],
          deliveryMode: { transportType: 'WebHook', address },
        })
      }
      err = await sdkError(
        bob.post('/restapi/v1.0/subscription', {
          eventFilters: ['/restapi/v1.0/account/~/extension/~/voicemail'],
          deliveryMode: { transportType: 'WebHook', address },
        }),
      )
      assert.equal(err.status, 403)
      assert.equal(err.body.errorCode, 'SUB-505')
    } finally {
      await receiver30.stop()
    }
  })
})
