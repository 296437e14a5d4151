import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { Receiver, startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, deliverOne, login } from '../helpers/sdk.js'
import { type RunningServer, startServer } from '../helpers/server.js'

describe('a crash between a change and its webhook delivery', () => {
  const servers: RunningServer[] = []
  after(async () => {
    for (const s of servers) await s.stop()
  })

  it('loses nothing: the receiver gets the change after the restart, once', async () => {
    const first = await startNotifying()
    servers.push(first)
    let receiver = new Receiver()
    const address = await receiver.start()
    const port = Number(new URL(address).port)
    const alice = await login(first.baseUrl, ALICE)
    await alice.post('/restapi/v1.0/subscription', {
      eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'],
      deliveryMode: { transportType: 'WebHook', address },
    })
    // The receiver is down when the change commits, so the delivery cannot have happened.
    await receiver.stop()
    const id = await deliverOne(first, {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'survive',
    })
    await first.kill()

    receiver = new Receiver()
    await receiver.start(port)
    try {
      const second = await startServer({ dataDir: first.dataDir })
      servers.push(second)
      await waitFor('the delivery after the restart', () => receiver.deliveries.length >= 1, 60_000)
      await new Promise((r) => setTimeout(r, 1500))
      const copies = receiver.deliveries.filter((d) => d.json.body.id === id)
      assert.equal(copies.length, 1)
      assert.equal(copies[0]!.json.body.subject, 'survive')
    } finally {
      await receiver.stop()
    }
  })
})
