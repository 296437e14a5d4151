import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Subscriptions } from '@ringcentral/subscriptions'
import { startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, deliverOne, sdkFor } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

describe('notifications over WebSocket with @ringcentral/subscriptions', () => {
  let server: RunningServer
  before(async () => {
    server = await startNotifying()
  })
  after(async () => {
    await server.stop()
  })

  it('delivers an inbound SMS to an instant filter and the change counts to a message-store filter', async () => {
    const sdk = sdkFor(server.baseUrl)
    await sdk
      .platform()
      .login({ username: ALICE.username, extension: ALICE.extension, password: ALICE.password })
    const subscriptions = new Subscriptions({ sdk })
    const subscription = subscriptions.createSubscription()
    const events: any[] = []
    subscription.on(subscription.events.notification, (event: any) => events.push(event))
    const info = await subscription
      .setEventFilters([
        '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS',
        '/restapi/v1.0/account/~/extension/~/message-store',
      ])
      .register()
    assert.deepEqual(info.subscriptionInfo!.eventFilters, [
      `/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store/instant?type=SMS`,
      `/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store`,
    ])

    const id = await deliverOne(server, {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'hello bot',
    })
    await waitFor('two notifications', () => events.length >= 2)
    const instant = events.find((e) => e.event.endsWith('/instant?type=SMS'))
    assert.equal(instant.body.id, id)
    assert.equal(instant.body.subject, 'hello bot')
    assert.equal(instant.body.direction, 'Inbound')
    assert.equal(instant.subscriptionId, info.subscriptionInfo!.id)
    assert.equal(instant.ownerId, ALICE.id)
    const store = events.find((e) => e.event.endsWith('/message-store'))
    assert.deepEqual(store.body.changes, [{ type: 'SMS', newCount: 1, updatedCount: 0, newMessageIds: [id] }])
    assert.equal(store.body.extensionId, ALICE.id)

    await sdk
      .platform()
      .put(`/restapi/v1.0/account/~/extension/~/message-store/${id}`, { readStatus: 'Read' })
    await waitFor('the read-status change', () => events.length >= 3)
    assert.deepEqual(events[2].body.changes, [
      { type: 'SMS', newCount: 0, updatedCount: 1, newMessageIds: [] },
    ])
    await info.revoke()
    await subscriptions.rc.revoke().catch(() => {})
  })
})
