import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import RingCentral from '@rc-ex/core'
import * as rcExWs from '@rc-ex/ws'
import { startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, APP, deliverOne } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

// The package's types describe its CommonJS build; under ESM its default export is the class.
const { Events } = rcExWs
const WebSocketExtension = rcExWs.default as unknown as new (options: object) => any

const INSTANT = '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'

describe('notifications with @rc-ex/ws', () => {
  let server: RunningServer
  before(async () => {
    server = await startNotifying()
  })
  after(async () => {
    await server.stop()
  })

  async function connect(options: object = {}) {
    const rc = new RingCentral({
      server: server.baseUrl,
      clientId: APP.clientId,
      clientSecret: APP.clientSecret,
    })
    const { jwt } = (await server.admin('POST', `/admin/v1/accounts/1001/extensions/${ALICE.id}/jwt`)).body
    await rc.authorize({ jwt })
    const ws = new WebSocketExtension({
      autoRecover: { enabled: true, checkInterval: () => 300 },
      ...options,
    })
    await rc.installExtension(ws)
    return { rc, ws }
  }

  function inbound(text: string) {
    return deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text })
  }

  it('subscribes, receives, recovers a dropped socket with the missed events replayed', async () => {
    const { rc, ws } = await connect()
    const events: any[] = []
    const subscription = await ws.subscribe([INSTANT], (event: any) => events.push(event))
    assert.ok(subscription.subscriptionInfo!.id)
    const first = await inbound('before the drop')
    await waitFor('the first notification', () => events.length >= 1)
    assert.equal(events[0].body.id, first)

    const recovered = new Promise((resolve) => ws.eventEmitter.once(Events.autoRecoverSuccess, resolve))
    const closed = new Promise((resolve) => ws.ws.addEventListener('close', resolve))
    // Stop the client from reconnecting until the missed messages are in.
    const check = ws.options.autoRecover!
    check.enabled = false
    ws.ws.close()
    await closed
    const missed = [await inbound('missed one'), await inbound('missed two')]
    check.enabled = true
    await recovered
    assert.equal(ws.connectionDetails.recoveryState, 'Successful')
    await waitFor('the missed notifications', () => events.length >= 3)
    assert.deepEqual(
      events.slice(1).map((e) => e.body.id),
      missed,
    )
    await ws.revoke()
    await rc.revoke().catch(() => {})
  })

  it('subscribes again after a failed recovery', async () => {
    const { rc, ws } = await connect()
    const events: any[] = []
    const subscription = await ws.subscribe([INSTANT], (event: any) => events.push(event))
    const firstId = subscription.subscriptionInfo!.id
    const failed = new Promise((resolve) => ws.eventEmitter.once(Events.autoRecoverFailed, resolve))
    // A session the gateway no longer knows (as after its recovery timeout).
    ws.wsc!.token = 'unknown-session'
    ws.ws.close()
    await failed
    assert.equal(ws.connectionDetails.recoveryState, 'Failed')
    await waitFor(
      'a new subscription',
      () => subscription.subscriptionInfo?.id !== firstId && subscription.subscriptionInfo,
    )
    const id = await inbound('after the new subscription')
    await waitFor('a notification on the new subscription', () => events.some((e) => e.body.id === id))
    await ws.revoke()
    await rc.revoke().catch(() => {})
  })

  it('answers REST calls made over the WebSocket as the HTTP routes do', async () => {
    const { rc, ws } = await connect({ restOverWebSocket: true })
    const id = await inbound('read me over the socket')
    const message = await rc.restapi().account().extension().messageStore(String(id)).get()
    assert.equal(message.id, id)
    assert.equal(message.subject, 'read me over the socket')
    const err = await rc
      .restapi()
      .account()
      .extension()
      .messageStore('999999999')
      .get()
      .then(
        () => undefined,
        (e: any) => e,
      )
    assert.equal(err.response.status, 404)
    assert.equal(err.response.data.errorCode, 'CMN-102')
    await ws.revoke()
    await rc.revoke().catch(() => {})
  })

  it('applies fault rules to requests made over the WebSocket, once each', async () => {
    const { rc, ws } = await connect({ restOverWebSocket: true })
    try {
      const id = await inbound('behind a fault')
      const limited = await server.admin('POST', '/admin/v1/faults', {
        method: 'GET',
        path: '/restapi/v1.0/account/~/extension/~/message-store/*',
        status: 429,
        retryAfter: 7,
      })
      const got = await rc
        .restapi()
        .account()
        .extension()
        .messageStore(String(id))
        .get()
        .then(
          () => undefined,
          (e: any) => e,
        )
      assert.equal(got.response.status, 429)
      assert.equal(got.response.data.errorCode, 'CMN-301')
      assert.equal(got.response.headers['retry-after'], '7')
      // Applied once (by the gateway), not again by the HTTP route it dispatched to.
      const rules = (await server.admin('GET', '/admin/v1/faults')).body.faults
      assert.equal(rules.find((r: { id: number }) => r.id === limited.body.id).hits, 1)

      // A dropped request closes the socket, as an HTTP one closes its connection.
      await server.admin('DELETE', '/admin/v1/faults')
      await server.admin('POST', '/admin/v1/faults', {
        method: 'GET',
        path: '/restapi/v1.0/account/~/extension/~/message-store/*',
        drop: true,
        times: 1,
      })
      const closed = new Promise((resolve) => ws.ws.addEventListener('close', resolve))
      rc.restapi()
        .account()
        .extension()
        .messageStore(String(id))
        .get()
        .catch(() => {})
      await closed
    } finally {
      await server.admin('DELETE', '/admin/v1/faults')
      await ws.revoke().catch(() => {})
      await rc.revoke().catch(() => {})
    }
  })
})
