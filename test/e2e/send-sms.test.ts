import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, login, type Platform } from '../helpers/sdk.js'
import {
  advance,
  DELIVERY_FAILS,
  EXT,
  message,
  messages,
  OUTSIDE,
  post,
  SENDING_FAILS,
  SLOW,
  startSendingServer,
} from '../helpers/sending.js'
import type { RunningServer } from '../helpers/server.js'

let server: RunningServer
let alice: Platform
let bob: Platform

before(async () => {
  server = await startSendingServer()
  alice = await login(server.baseUrl, ALICE)
  bob = await login(server.baseUrl, BOB)
})
after(async () => {
  await server.stop()
})

describe('SMS', () => {
  test('between two extensions, both ways, in one conversation', async () => {
    const sent = await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: BOB.username }],
      text: 'Hi Bob',
    })
    assert.equal(sent.type, 'SMS')
    assert.equal(sent.direction, 'Outbound')
    assert.equal(sent.messageStatus, 'Queued')
    assert.equal(sent.subject, 'Hi Bob')
    assert.equal(sent.from.phoneNumber, ALICE.username)
    assert.deepEqual(
      sent.to.map((t: any) => t.phoneNumber),
      [BOB.username],
    )
    assert.ok(sent.conversationId)
    assert.equal(sent.conversation.id, String(sent.conversationId))
    assert.match(sent.uri, new RegExp(`/extension/${ALICE.id}/message-store/${sent.id}$`))

    const [received] = await messages(bob, { direction: 'Inbound', conversationId: sent.conversationId })
    assert.ok(received, 'Bob has the Inbound copy at once')
    assert.equal(received.messageStatus, 'Received')
    assert.equal(received.readStatus, 'Unread')
    assert.equal(received.subject, 'Hi Bob')
    assert.equal(received.from.phoneNumber, ALICE.username)
    assert.equal(received.conversationId, sent.conversationId)

    const reply = await post(bob, '/sms', {
      from: { phoneNumber: BOB.username },
      to: [{ phoneNumber: ALICE.username }],
      text: 'Hi Alice',
    })
    assert.equal(reply.conversationId, sent.conversationId)
    const aliceThread = await messages(alice, { conversationId: sent.conversationId })
    assert.deepEqual(aliceThread.map((m: any) => [m.direction, m.subject]).sort(), [
      ['Inbound', 'Hi Alice'],
      ['Outbound', 'Hi Bob'],
    ])

    await advance(server)
    const delivered = await message(alice, sent.id)
    assert.equal(delivered.messageStatus, 'Delivered')
    assert.equal(delivered.smsSendingAttemptsCount, 1)
    assert.ok(delivered.smsDeliveryTime)
  })

  test('to the outside: Queued, then Sent, then Delivered as the clock moves', async () => {
    const sent = await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'Hello world',
    })
    assert.equal(sent.messageStatus, 'Queued')
    await advance(server, 'PT2S')
    const s = await message(alice, sent.id)
    assert.equal(s.messageStatus, 'Sent')
    await advance(server, 'PT5M')
    const d = await message(alice, sent.id)
    assert.equal(d.messageStatus, 'Delivered')
    assert.equal(d.smsSendingAttemptsCount, 1)
    assert.ok(Date.parse(d.smsDeliveryTime) > Date.parse(d.creationTime))
  })
  test('each reserved number reaches its failure path', async () => {
    const send = (to: string) =>
      post(alice, '/sms', {
        from: { phoneNumber: ALICE.username },
        to: [{ phoneNumber: to }],
        text: `to ${to}`,
      })
    const failing = await send(SENDING_FAILS)
    const undeliverable = await send(DELIVERY_FAILS)
    const slow = await send(SLOW)
    await advance(server, 'PT2S')
    const f = await message(alice, failing.id)
    assert.equal(f.messageStatus, 'SendingFailed')
    assert.match(f.deliveryErrorCode, /^SMS-(RC|UP|CAR)-\d+$/)
    assert.equal(f.smsSendingAttemptsCount, 1)
    assert.equal((await message(alice, undeliverable.id)).messageStatus, 'Sent')
    await advance(server, 'PT1M')
    const u = await message(alice, undeliverable.id)
    assert.equal(u.messageStatus, 'DeliveryFailed')
    assert.match(u.deliveryErrorCode, /^SMS-(RC|UP|CAR)-\d+$/)
    assert.equal(u.smsDeliveryTime, undefined)
    await advance(server, 'PT8M57S')
    assert.equal((await message(alice, slow.id)).messageStatus, 'Queued')
    await advance(server, 'PT1S')
    const s = await message(alice, slow.id)
    assert.equal(s.messageStatus, 'Sent')
    assert.equal(s.deliveryErrorCode, undefined)
  })

  test('a group message: one copy per extension inside, the carrier outside, a state per recipient', async () => {
    const sent = await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: BOB.username }, { phoneNumber: OUTSIDE }, { phoneNumber: SENDING_FAILS }],
      text: 'Party at 8',
    })
    const [bobs] = await messages(bob, { conversationId: sent.conversationId })
    assert.equal(bobs.subject, 'Party at 8')
    assert.deepEqual(
      bobs.to.map((t: any) => t.phoneNumber),
      [BOB.username, OUTSIDE, SENDING_FAILS],
    )
    await advance(server, 'PT5M')
    const done = await message(alice, sent.id)
    assert.deepEqual(
      done.to.map((t: any) => t.messageStatus),
      ['Delivered', 'Delivered', 'SendingFailed'],
    )
    assert.equal(done.messageStatus, 'Delivered')
    assert.equal(done.smsSendingAttemptsCount, 3)
    assert.ok(done.deliveryErrorCode)
  })

  test("a Disabled extension's number: dropped, kept only in the sender's mailbox", async () => {
    const sent = await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: '+16505550103' }],
      text: 'anyone there?',
    })
    await advance(server)
    const dropped = await message(alice, sent.id)
    assert.equal(dropped.messageStatus, 'SendingFailed')
    assert.ok(dropped.deliveryErrorCode)
    const dora = await alice.get('/restapi/v1.0/account/~/extension/62003/message-store', {
      dateFrom: '2000-01-01T00:00:00Z',
      dateTo: '2100-01-01T00:00:00Z',
    })
    assert.equal((await dora.json()).records.length, 0)
  })

  test('every status change is a change of the mailbox: message sync answers each step', async () => {
    const sync = async (query: Record<string, string>) =>
      (await alice.get(`${EXT}/message-sync`, query)).json()
    let token = (await sync({ syncType: 'FSync' })).syncInfo.syncToken
    const sent = await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'synced',
    })
    const seen: string[] = []
    for (const step of ['PT0S', 'PT2S', 'PT3S', 'PT1M']) {
      await advance(server, step)
      const changes = await sync({ syncType: 'ISync', syncToken: token })
      token = changes.syncInfo.syncToken
      for (const r of changes.records) if (r.id === sent.id) seen.push(r.messageStatus)
    }
    assert.deepEqual(seen, ['Queued', 'Sent', 'Delivered'])
  })
})
