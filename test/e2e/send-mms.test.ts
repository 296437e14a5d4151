import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { PNG } from '../helpers/documents.js'
import { ALICE, BOB, login, type Platform } from '../helpers/sdk.js'
import {
  advance,
  content,
  EXT,
  message,
  messages,
  mixed,
  multipart,
  OUTSIDE,
  postRaw,
  startSendingServer,
} from '../helpers/sending.js'
import type { RunningServer } from '../helpers/server.js'

let server: RunningServer
let alice: Platform
let bob: Platform
const audio = Buffer.alloc(40_000, 7)

before(async () => {
  server = await startSendingServer()
  alice = await login(server.baseUrl, ALICE)
  bob = await login(server.baseUrl, BOB)
})
after(async () => {
  await server.stop()
})

const envelope = (text?: string, to = BOB.username) => ({
  from: { phoneNumber: ALICE.username },
  to: [{ phoneNumber: to }],
  ...(text === undefined ? {} : { text }),
})

describe('MMS', () => {
  test('/mms with an image and a sound, readable on both sides', async () => {
    const form = multipart(envelope('Look!'), [
      { bytes: PNG, name: 'dot.png', type: 'image/png' },
      { bytes: audio, name: 'hello.wav', type: 'audio/wav' },
    ])
    const sent = await (await alice.post(`${EXT}/mms`, form)).json()
    assert.equal(sent.type, 'SMS')
    assert.equal(sent.messageStatus, 'Queued')
    assert.equal(sent.subject, 'Look!')
    assert.deepEqual(
      sent.attachments.map((a: any) => [a.type, a.contentType, a.fileName ?? null, a.size]),
      [
        ['Text', 'text/plain', null, 5],
        ['MmsAttachment', 'image/png', 'dot.png', PNG.length],
        ['MmsAttachment', 'audio/wav', 'hello.wav', audio.length],
      ],
    )
    const [received] = await messages(bob, { conversationId: sent.conversationId })
    assert.equal(received.direction, 'Inbound')
    assert.equal(received.attachments.length, 3)
    assert.equal((await content(bob, received.attachments[0].uri)).bytes.toString(), 'Look!')
    const image = await content(bob, received.attachments[1].uri)
    assert.equal(image.type, 'image/png')
    assert.ok(image.bytes.equals(PNG))
    assert.ok((await content(alice, sent.attachments[2].uri)).bytes.equals(audio))
    await advance(server)
    assert.equal((await message(alice, sent.id)).messageStatus, 'Delivered')
  })

  test('/sms in multipart form, JSON part without a file name, no text: an MMS', async () => {
    const form = multipart(envelope(), [{ bytes: PNG, name: 'dot.png', type: 'image/png' }], null)
    const sent = await (await alice.post(`${EXT}/sms`, form)).json()
    assert.equal(sent.subject, undefined)
    assert.deepEqual(
      sent.attachments.map((a: any) => a.type),
      ['MmsAttachment'],
    )
  })

  test('/sms in multipart form without files: a plain SMS', async () => {
    const form = multipart(envelope('just text'), [])
    const sent = await (await alice.post(`${EXT}/sms`, form)).json()
    assert.deepEqual(
      sent.attachments.map((a: any) => a.type),
      ['Text'],
    )
  })

  test('/mms in multipart/mixed, the media type taken from the file name, to the outside', async () => {
    const raw = mixed(envelope('mixed', OUTSIDE), [{ bytes: PNG, name: 'photo.jpg' }])
    const sent = await (await postRaw(alice, '/mms', raw)).json()
    assert.equal(sent.attachments[1].contentType, 'image/jpeg')
    await advance(server, 'PT5M')
    const done = await message(alice, sent.id)
    assert.equal(done.messageStatus, 'Delivered')
    assert.ok((await content(alice, done.attachments[1].uri)).bytes.equals(PNG))
  })
})
