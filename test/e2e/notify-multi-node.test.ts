import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Subscriptions } from '@ringcentral/subscriptions'
import { POSTGRES_ONLY, startNodes, stopNodes } from '../helpers/nodes.js'
import { closeSubscriptions, Receiver, waitFor } from '../helpers/notifications.js'
import { ALICE, deliverOne, login, sdkFor } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

describe('notifications across two nodes', { skip: POSTGRES_ONLY }, () => {
  let nodes: RunningServer[] = []
  before(async () => {
    nodes = await startNodes()
  })
  after(async () => {
    await stopNodes(nodes)
  })

  it('a change made through node A reaches a WebSocket on node B, and a webhook once', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer]
    const sdk = sdkFor(b.baseUrl)
    await sdk
      .platform()
      .login({ username: ALICE.username, extension: ALICE.extension, password: ALICE.password })
    const subscriptions = new Subscriptions({ sdk })
    const subscription = subscriptions.createSubscription()
    const events: any[] = []
    subscription.on(subscription.events.notification, (e: any) => events.push(e))
    const ws = await subscription
      .setEventFilters(['/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'])
      .register()

    const receiver = new Receiver()
    const address = await receiver.start()
    try {
      const alice = await login(a.baseUrl, ALICE)
      await alice.post('/restapi/v1.0/subscription', {
        eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store'],
        deliveryMode: { transportType: 'WebHook', address },
      })
      const ids: number[] = []
      for (let i = 0; i < 5; i++) {
        ids.push(
          await deliverOne(a, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: `n${i}` }),
        )
      }
      await waitFor('five notifications on node B', () => events.length >= 5)
      assert.deepEqual(
        events.map((e) => e.body.id),
        ids,
      )
      await waitFor('five webhook deliveries', () => receiver.deliveries.length >= 5)
      await new Promise((r) => setTimeout(r, 1500))
      // Both nodes run the delivery worker; each change is delivered once, in order.
      assert.deepEqual(
        receiver.deliveries.map((d) => d.json.body.changes[0].newMessageIds[0]),
        ids,
      )
    } finally {
      await receiver.stop()
      await ws.revoke()
      await closeSubscriptions(subscriptions)
    }
  })
})
