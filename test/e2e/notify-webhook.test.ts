import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Subscriptions } from '@ringcentral/subscriptions'
import { closeSubscriptions, Receiver, startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, deliverOne, login, type Platform, sdkError, sdkFor } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const STORE_FILTER = '/restapi/v1.0/account/~/extension/~/message-store'

describe('webhook subscriptions', () => {
  let server: RunningServer
  let platform: Platform
  before(async () => {
    server = await startNotifying({ args: ['--clock', 'manual', '--webhook-timeout', 'PT2S'] })
    platform = await login(server.baseUrl, ALICE)
  })
  after(async () => {
    await server.stop()
  })

  async function subscribe(address: string, extra: Record<string, unknown> = {}) {
    const res = await platform.post('/restapi/v1.0/subscription', {
      eventFilters: [STORE_FILTER],
      deliveryMode: { transportType: 'WebHook', address, verificationToken: 'secret-123' },
      ...extra,
    })
    return res.json()
  }

  it('shakes hands, then delivers with Verification-Token and never Validation-Token, in order', async () => {
    const receiver = new Receiver()
    const address = await receiver.start()
    try {
      const info = await subscribe(address)
      assert.equal(receiver.handshakes.length, 1)
      assert.equal(receiver.handshakes[0]!.body, '')
      assert.equal(info.status, 'Active')
      assert.deepEqual(info.deliveryMode, { transportType: 'WebHook', address, encryption: false })
      assert.deepEqual(info.eventFilters, [`/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store`])
      assert.equal(info.expiresIn, 604800)

      const ids: number[] = []
      for (const text of ['one', 'two', 'three']) {
        ids.push(await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text }))
      }
      await waitFor('three deliveries', () => receiver.deliveries.length >= 3)
      for (const [i, d] of receiver.deliveries.entries()) {
        assert.equal(d.headers['verification-token'], 'secret-123')
        assert.equal(d.headers['validation-token'], undefined)
        assert.match(String(d.headers['content-type']), /^application\/json/)
        assert.equal(d.json.subscriptionId, info.id)
        assert.deepEqual(d.json.body.changes, [
          { type: 'SMS', newCount: 1, updatedCount: 0, newMessageIds: [ids[i]] },
        ])
      }
      // The event's time is the store's (manual) clock.
      const now = (await server.admin('GET', '/admin/v1/clock')).body.now
      assert.ok(Math.abs(Date.parse(receiver.deliveries[0]!.json.timestamp) - Date.parse(now)) < 60_000)
      await platform.delete(`/restapi/v1.0/subscription/${info.id}`)
    } finally {
      await receiver.stop()
    }
  })

  it('refuses an address that fails the handshake with SUB-525', async () => {
    const receiver = new Receiver()
    receiver.echoToken = false
    const address = await receiver.start()
    try {
      const err = await sdkError(subscribe(address))
      assert.equal(err.status, 400)
      assert.equal(err.body.errorCode, 'SUB-525')
    } finally {
      await receiver.stop()
    }
  })

  it('retries a failing receiver with backoff and blacklists it after ten minutes of failures', async () => {
    const receiver = new Receiver()
    const address = await receiver.start()
    try {
      const info = await subscribe(address)
      receiver.answer = 503
      const id = await deliverOne(server, {
        type: 'SMS',
        from: '+14155550123',
        to: [ALICE.username],
        text: 'x',
      })
      await waitFor('a first failed attempt', () => receiver.attempts.length >= 1)
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT5S' })
      await waitFor('a retry', () => receiver.attempts.length >= 2)
      assert.deepEqual(receiver.attempts[1]!.json.body.changes[0].newMessageIds, [id])
      const status = (await platform.get(`/restapi/v1.0/subscription/${info.id}`)).json()
      assert.equal((await status).status, 'Active')

      await server.admin('POST', '/admin/v1/clock', { advance: 'PT11M' })
      const blacklisted = await waitFor('the subscription to be blacklisted', async () => {
        const body = await (await platform.get(`/restapi/v1.0/subscription/${info.id}`)).json()
        return body.status === 'Blacklisted' ? body : undefined
      })
      assert.match(blacklisted.blacklistedData.reason, /503/)
      const admin = (await server.admin('GET', '/admin/v1/subscriptions')).body.records
      const row = admin.find((r: { id: string }) => r.id === info.id)
      assert.equal(row.status, 'Blacklisted')
      assert.ok(row.failures >= 2)
      assert.equal(row.lastDeliveryStatus, '503')
      const attempts = (await server.admin('GET', `/admin/v1/subscriptions/${info.id}/deliveries`)).body
        .records
      assert.ok(attempts.length >= 2)
      assert.equal(attempts[0].status, 503)
      assert.equal(attempts[0].outcome, 'Failed')
      assert.deepEqual(attempts[0].body.body.changes[0].newMessageIds, [id])
      assert.ok(blacklisted.blacklistedData.blacklistedAt)
      // A receiver that recovers gets nothing more from a blacklisted subscription.
      receiver.answer = 200
      const attemptsBefore = receiver.attempts.length
      await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: 'y' })
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT1M' })
      await new Promise((r) => setTimeout(r, 1500))
      assert.equal(receiver.attempts.length, attemptsBefore)
      await platform.delete(`/restapi/v1.0/subscription/${info.id}`)
    } finally {
      await receiver.stop()
    }
  })

  it('a receiver that hangs does not hold up another subscription', async () => {
    const slow = new Receiver()
    const fast = new Receiver()
    const slowAddress = await slow.start()
    const fastAddress = await fast.start()
    try {
      const a = await subscribe(slowAddress)
      const b = await subscribe(fastAddress)
      slow.hang = true
      for (let i = 0; i < 3; i++) {
        await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: `h${i}` })
      }
      await waitFor('the fast receiver to get all three', () => fast.deliveries.length >= 3)
      assert.equal(slow.deliveries.length, 0)
      await platform.delete(`/restapi/v1.0/subscription/${a.id}`)
      await platform.delete(`/restapi/v1.0/subscription/${b.id}`)
    } finally {
      await slow.stop()
      await fast.stop()
    }
  })

  it('expires on the store clock and renews', async () => {
    const receiver = new Receiver()
    const address = await receiver.start()
    try {
      const info = await subscribe(address, { expiresIn: 3600 })
      assert.equal(info.expiresIn, 3600)
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT30M' })
      const renewed = await (await platform.post(`/restapi/v1.0/subscription/${info.id}/renew`)).json()
      assert.equal(renewed.expiresIn, 3600)
      assert.ok(Date.parse(renewed.expirationTime) > Date.parse(info.expirationTime))
      const updated = await (
        await platform.put(`/restapi/v1.0/subscription/${info.id}`, { expiresIn: 7200 })
      ).json()
      assert.equal(updated.expiresIn, 7200)
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT2H1M' })
      const gone = await sdkError(platform.get(`/restapi/v1.0/subscription/${info.id}`))
      assert.equal(gone.status, 404)
      assert.equal(gone.body.errorCode, 'SUB-507')
      const list = await (await platform.get('/restapi/v1.0/subscription')).json()
      assert.ok(!list.records.some((r: { id: string }) => r.id === info.id))
      // An expired subscription delivers nothing.
      await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: 'late' })
      await new Promise((r) => setTimeout(r, 1500))
      assert.equal(receiver.attempts.length, 0)
    } finally {
      await receiver.stop()
    }
  })

  it('sends renewal reminders on the store clock, every interval, until renewed', async () => {
    const receiver = new Receiver()
    const address = await receiver.start()
    const reminder = '/restapi/v1.0/subscription/~?threshold=600&interval=300'
    const reminders = () => receiver.deliveries.filter((d) => d.json.event === reminder)
    try {
      const info = await subscribe(address, { eventFilters: [STORE_FILTER, reminder], expiresIn: 3600 })
      assert.deepEqual(info.eventFilters, [
        `/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store`,
        reminder,
      ])
      // 11 minutes left: not yet within the threshold.
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT49M' })
      await new Promise((r) => setTimeout(r, 2500))
      assert.equal(reminders().length, 0)
      // 9 minutes left: the first reminder, carrying the subscription as it stands.
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT2M' })
      await waitFor('the first reminder', () => reminders().length >= 1)
      const first = reminders()[0]!.json
      assert.equal(first.subscriptionId, info.id)
      assert.equal(first.ownerId, ALICE.id)
      assert.equal(first.body.id, info.id)
      assert.equal(first.body.status, 'Active')
      assert.equal(first.body.expirationTime, info.expirationTime)
      assert.ok(first.body.expiresIn > 0 && first.body.expiresIn <= 600, String(first.body.expiresIn))
      const now = (await server.admin('GET', '/admin/v1/clock')).body.now
      assert.ok(Math.abs(Date.parse(first.timestamp) - Date.parse(now)) < 60_000)
      assert.equal(reminders()[0]!.headers['verification-token'], 'secret-123')
      // Two minutes on: the interval (5 minutes) has not passed.
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT2M' })
      await new Promise((r) => setTimeout(r, 2500))
      assert.equal(reminders().length, 1)
      // Five minutes after the first: the second.
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT3M' })
      await waitFor('the second reminder', () => reminders().length >= 2)
      // A renewal starts the count afresh: a whole hour left, nothing to remind.
      await platform.post(`/restapi/v1.0/subscription/${info.id}/renew`)
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT5M' })
      await new Promise((r) => setTimeout(r, 2500))
      assert.equal(reminders().length, 2)
      await platform.delete(`/restapi/v1.0/subscription/${info.id}`)
    } finally {
      await receiver.stop()
    }
  })

  it('reminds a WebSocket subscription on the store clock too', async () => {
    const sdk = sdkFor(server.baseUrl)
    await sdk
      .platform()
      .login({ username: ALICE.username, extension: ALICE.extension, password: ALICE.password })
    const subscriptions = new Subscriptions({ sdk })
    const subscription = subscriptions.createSubscription()
    const events: any[] = []
    subscription.on(subscription.events.notification, (e: any) => events.push(e))
    const reminder = '/restapi/v1.0/subscription/~?threshold=3600&interval=1800'
    const ws = await subscription.setEventFilters([reminder]).register()
    try {
      // A WebSocket subscription lives 24 hours; 23 h 30 min on, half an hour is left.
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT23H30M' })
      await waitFor('a reminder over the WebSocket', () => events.length >= 1)
      assert.equal(events[0].event, reminder)
      assert.equal(events[0].body.id, ws.subscriptionInfo!.id)
      assert.ok(events[0].body.expiresIn <= 3600)
    } finally {
      await ws.revoke().catch(() => {})
      await closeSubscriptions(subscriptions)
    }
  })
})
