import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { GatewayClient, startNotifying, waitFor } from '../helpers/notifications.js'
import { ALICE, deliver, deliverOne, passwordToken } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const INSTANT = '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'
const SUBSCRIBE = { eventFilters: [INSTANT], deliveryMode: { transportType: 'WebSocket' } }

/**
 * The WebSocket gateway's timeouts, heartbeats, pings and recovery, seen by a bare `ws`
 * client frame by frame. The server runs with shortened timeouts (announced in
 * ConnectionDetails as RingCentral announces its own) so that they can be seen to happen.
 */
describe('the WebSocket gateway’s timeouts, pings and recovery', () => {
  let server: RunningServer
  let token: string
  const clients: GatewayClient[] = []
  const connect = async (options: { wsc?: string; autoPong?: boolean } = {}) => {
    const client = await GatewayClient.connect(server.baseUrl, token, options)
    clients.push(client)
    return client
  }
  before(async () => {
    server = await startNotifying({
      args: ['--ws-idle-timeout', 'PT2S', '--ws-absolute-timeout', 'PT6S', '--ws-recovery-timeout', 'PT4S'],
    })
    token = (await passwordToken(server.baseUrl, ALICE)).access_token
  })
  after(async () => {
    for (const c of clients) c.close()
    await server.stop()
  })

  it('announces its limits in ConnectionDetails', async () => {
    const client = await connect()
    const [meta, details] = client.of('ConnectionDetails')[0]!
    assert.equal(meta.status, 200)
    assert.equal(typeof meta.wsc.token, 'string')
    assert.equal(details.idleTimeout, 2)
    assert.equal(details.absoluteTimeout, 6)
    assert.equal(details.recoveryTimeout, 4)
    assert.equal(details.recoveryBufferSize, 100)
    assert.equal(details.recoveryState, undefined)
    client.close()
  })

  it('closes a socket idle past idleTimeout with WSG-902', async () => {
    const client = await connect()
    const [meta, body] = await client.next('Error')
    assert.equal(body.errorCode, 'WSG-902')
    assert.equal(meta.status, 400)
    await client.whenClosed()
  })

  it('echoes heartbeats, which keep a socket from idling, until absoluteTimeout ends the session with WSG-903', async () => {
    const client = await connect()
    const wsc = client.of('ConnectionDetails')[0]![0].wsc.token
    let n = 0
    const beat = setInterval(() => client.send([{ type: 'Heartbeat', messageId: `beat-${++n}` }]), 300)
    try {
      const [, body] = await client.next('Error')
      assert.equal(body.errorCode, 'WSG-903')
      assert.ok(client.of('Heartbeat').some(([meta]) => meta.messageId === 'beat-1' && meta.status === 200))
      await client.whenClosed()
    } finally {
      clearInterval(beat)
    }
    // The session is over: it cannot be recovered.
    const again = await connect({ wsc })
    assert.equal(again.of('ConnectionDetails')[0]![1].recoveryState, 'Failed')
    assert.notEqual(again.of('ConnectionDetails')[0]![0].wsc.token, wsc)
    again.close()
  })

  it('pings its sockets, answers theirs, and drops one that never answers a ping', async () => {
    const client = await connect()
    await waitFor('a ping from the server', () => client.pings > 0)
    const pong = new Promise((resolve) => client.socket.once('pong', resolve))
    client.socket.ping()
    await pong
    client.close()

    const deaf = await connect({ autoPong: false })
    await deaf.whenClosed()
    // Closed for the missing pong, not for idling: no WSG-902 was sent.
    assert.equal(deaf.of('Error').length, 0)
    assert.equal(deaf.closed!.code, 1006)
  })

  it('answers a ClientRequest a fault rule catches as the rule says, then the next as usual', async () => {
    const rule = await server.admin('POST', '/admin/v1/faults', {
      method: 'POST',
      path: '/restapi/v1.0/subscription',
      status: 503,
      retryAfter: 3,
      times: 1,
    })
    assert.equal(rule.status, 201, JSON.stringify(rule.body))
    const client = await connect()
    try {
      const [meta, body] = await client.request('POST', '/restapi/v1.0/subscription', SUBSCRIBE)
      assert.equal(meta.status, 503)
      assert.equal(meta.headers['retry-after'], '3')
      assert.equal(body.errorCode, 'CMN-201')
      const [again, info] = await client.request('POST', '/restapi/v1.0/subscription', SUBSCRIBE)
      assert.equal(again.status, 200)
      assert.equal(info.status, 'Active')
    } finally {
      client.close()
      await server.admin('DELETE', '/admin/v1/faults')
    }
  })

  it('refuses to recover a session after recoveryTimeout', async () => {
    const client = await connect()
    const wsc = client.of('ConnectionDetails')[0]![0].wsc.token
    const [meta] = await client.request('POST', '/restapi/v1.0/subscription', SUBSCRIBE)
    assert.equal(meta.status, 200)
    client.close()
    await client.whenClosed()
    await new Promise((r) => setTimeout(r, 5000))
    const late = await connect({ wsc })
    assert.equal(late.of('ConnectionDetails')[0]![1].recoveryState, 'Failed')
    late.close()
  })
})

describe('WebSocket session recovery', () => {
  let server: RunningServer
  let token: string
  before(async () => {
    server = await startNotifying()
    token = (await passwordToken(server.baseUrl, ALICE)).access_token
  })
  after(async () => {
    await server.stop()
  })

  it('replays the newest 100 notifications missed while the socket was gone, in order, with their sequence', async () => {
    const client = await GatewayClient.connect(server.baseUrl, token)
    const wsc = client.of('ConnectionDetails')[0]![0].wsc.token
    const [meta] = await client.request('POST', '/restapi/v1.0/subscription', SUBSCRIBE)
    assert.equal(meta.status, 200)
    const first = await deliverOne(server, {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'seen',
    })
    const [seen] = await client.next('ServerNotification')
    assert.equal(client.of('ServerNotification')[0]![1].body.id, first)
    client.close()
    await client.whenClosed()

    const missed: number[] = []
    for (let i = 0; i < 105; i++) {
      missed.push(
        ...(await deliver(server, {
          type: 'SMS',
          from: '+14155550123',
          to: [ALICE.username],
          text: `m${i}`,
        })),
      )
    }
    // Every missed change has been produced for the session before it comes back.
    await new Promise((r) => setTimeout(r, 1500))
    const back = await GatewayClient.connect(server.baseUrl, token, { wsc })
    try {
      const [details] = back.of('ConnectionDetails')
      assert.equal(details![1].recoveryState, 'Successful')
      assert.equal(details![0].wsc.token, wsc)
      await waitFor('the replay', () => back.of('ServerNotification').length >= 100)
      await new Promise((r) => setTimeout(r, 500))
      const replayed = back.of('ServerNotification')
      assert.equal(replayed.length, 100)
      assert.deepEqual(
        replayed.map(([, env]) => env.body.id),
        missed.slice(-100),
      )
      // Numbered on from where the first socket left off: five numbers were dropped with the oldest.
      assert.equal(replayed[0]![0].wsc.sequence, seen.wsc.sequence + 6)
      assert.equal(replayed[99]![0].wsc.sequence, seen.wsc.sequence + 105)
    } finally {
      back.close()
    }
  })
})
