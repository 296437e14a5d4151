import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Subscriptions } from '@ringcentral/subscriptions'
import { closeSubscriptions, Receiver, startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, deliverOne, login, type Platform, sdkFor } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const EVE = {
  extensionNumber: '104',
  name: 'Eve',
  password: 'eve-secret',
  phoneNumbers: ['+16505550104'],
}
const EVE_LOGIN = { username: '+16505550104', extension: '104', password: 'eve-secret' }
const STORE = '/restapi/v1.0/account/~/extension/~/message-store'

/**
 * A subscription acts for its user's session: once the user is disabled or the session
 * ends, it delivers nothing more, by webhook or WebSocket. A subscription of another
 * user on the same mailbox (Alice, a SuperAdmin) shows that the change was announced.
 */
describe('a subscription whose user is disabled or whose session ends', () => {
  let server: RunningServer
  let alice: Platform
  before(async () => {
    server = await startNotifying()
    alice = await login(server.baseUrl, ALICE)
  })
  after(async () => {
    await server.stop()
  })

  const provisionEve = (status: string) =>
    server.admin('POST', '/admin/v1/provision', {
      accounts: [{ id: '1001', name: 'Acme Inc', extensions: [{ ...EVE, status }] }],
    })

  /** Eve's webhook and WebSocket subscriptions, and Alice's on Eve's mailbox. */
  async function subscribeAll() {
    assert.equal((await provisionEve('Enabled')).status, 200)
    const sdk = sdkFor(server.baseUrl)
    await sdk.platform().login(EVE_LOGIN)
    const eve = sdk.platform()
    const mine = new Receiver()
    const control = new Receiver()
    const info = await (
      await eve.post('/restapi/v1.0/subscription', {
        eventFilters: [STORE],
        deliveryMode: { transportType: 'WebHook', address: await mine.start() },
      })
    ).json()
    const eveStore = info.eventFilters[0] as string
    await alice.post('/restapi/v1.0/subscription', {
      eventFilters: [eveStore],
      deliveryMode: { transportType: 'WebHook', address: await control.start() },
    })
    const socketEvents: any[] = []
    const subscriptions = new Subscriptions({ sdk })
    const subscription = subscriptions.createSubscription()
    subscription.on(subscription.events.notification, (e: any) => socketEvents.push(e))
    const socket = await subscription.setEventFilters([STORE]).register()
    const close = async () => {
      await socket.revoke().catch(() => {})
      await closeSubscriptions(subscriptions)
    }
    // While Eve is enabled and logged in, all three get her inbound SMS.
    const id = await deliverOne(server, {
      type: 'SMS',
      from: '+14155550123',
      to: [EVE_LOGIN.username],
      text: 'hi',
    })
    await waitFor('the webhook delivery', () => mine.deliveries.length >= 1)
    await waitFor('the control delivery', () => control.deliveries.length >= 1)
    await waitFor('the WebSocket notification', () => socketEvents.length >= 1)
    return { eve, mine, control, socketEvents, close, id, eveStore }
  }

  /** Alice marks Eve's message read: a change of Eve's mailbox that Eve's subscriptions must not carry. */
  async function changeEvesMessage(eveStore: string, id: number, readStatus: string) {
    await alice.put(`${eveStore}/${id}`, { readStatus })
  }

  it('a disabled user gets nothing more', async () => {
    const s = await subscribeAll()
    try {
      assert.equal((await provisionEve('Disabled')).status, 200)
      await changeEvesMessage(s.eveStore, s.id, 'Read')
      await waitFor('the control delivery of the change', () => s.control.deliveries.length >= 2)
      assert.deepEqual(s.control.deliveries[1]!.json.body.changes, [
        { type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] },
      ])
      await new Promise((r) => setTimeout(r, 1500))
      assert.equal(s.mine.deliveries.length, 1)
      assert.equal(s.mine.attempts.length, 1)
      assert.equal(s.socketEvents.length, 1)
    } finally {
      await s.close()
      await s.mine.stop()
      await s.control.stop()
    }
  })

  it('a session that ended (logout) gets nothing more', async () => {
    const s = await subscribeAll()
    try {
      await s.eve.logout()
      await changeEvesMessage(s.eveStore, s.id, 'Read')
      await waitFor('the control delivery of the change', () => s.control.deliveries.length >= 2)
      await new Promise((r) => setTimeout(r, 1500))
      assert.equal(s.mine.attempts.length, 1)
      assert.equal(s.socketEvents.length, 1)
    } finally {
      await s.close()
      await s.mine.stop()
      await s.control.stop()
    }
  })
})
