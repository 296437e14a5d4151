import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, login, type Platform } from '../helpers/sdk.js'
import { advance, message, messages, OUTSIDE, post, startSendingServer } from '../helpers/sending.js'
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
    assert.deepEqual(
      aliceThread.map((m: any) => [m.direction, m.subject]).sort(),
      [
        ['Inbound', 'Hi Alice'],
        ['Outbound', 'Hi Bob'],
      ],
    )

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
})
