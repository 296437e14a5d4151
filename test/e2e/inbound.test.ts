import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, login, MESSAGE_STORE, OLGA, type Platform, startProvisioned } from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer } from '../helpers/server.js'

// POST /admin/v1/accounts/{accountId}/inbound: messages from outside, as JSON or multipart.
const OUTSIDE = '+14155550123'

let server: RunningServer
let alice: Platform

before(async () => {
  server = await startProvisioned()
  alice = await login(server.baseUrl, ALICE)
})
after(async () => {
  await server.stop()
})

async function postForm(path: string, form: FormData) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    body: form,
  })
  return { status: res.status, body: await res.json() }
}

async function read(messageId: number, platform = alice) {
  return (await platform.get(`${MESSAGE_STORE}/${messageId}`)).json()
}

describe('inbound', () => {
  test('JSON: answers 201 with one message per receiving extension', async () => {
    const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [ALICE.username, BOB.username],
      text: 'hello both',
    })
    assert.equal(res.status, 201)
    assert.deepEqual(
      res.body.messages.map((m: { extensionId: string }) => m.extensionId),
      [ALICE.id, BOB.id],
    )
    for (const m of res.body.messages) assert.ok(Number.isSafeInteger(m.id))
    const record = await read(res.body.messages[0].id)
    assert.equal(record.direction, 'Inbound')
    assert.equal(record.messageStatus, 'Received')
    assert.equal(record.subject, 'hello both')
  })

  test('JSON: creationTime places the message in time; subject overrides the text', async () => {
    const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [ALICE.username],
      text: 'body',
      subject: 'headline',
      creationTime: '2020-02-02T02:02:02.000Z',
    })
    const record = await read(res.body.messages[0].id)
    assert.equal(record.creationTime, '2020-02-02T02:02:02.000Z')
    assert.equal(record.subject, 'headline')
  })

  test('multipart: a json part and attachment parts, stored with their sizes', async () => {
    const wav = Buffer.alloc(3000, 7)
    const form = new FormData()
    form.append(
      'json',
      JSON.stringify({
        type: 'VoiceMail',
        from: OUTSIDE,
        to: [ALICE.username],
        attachments: [{ vmDuration: 42 }],
      }),
    )
    form.append('attachment', new Blob([wav], { type: 'audio/wav' }), 'message.wav')
    const res = await postForm('/admin/v1/accounts/1001/inbound', form)
    assert.equal(res.status, 201, JSON.stringify(res.body))
    const record = await read(res.body.messages[0].id)
    assert.equal(record.type, 'VoiceMail')
    assert.equal(record.attachments.length, 1)
    const a = record.attachments[0]
    assert.deepEqual(
      {
        type: a.type,
        contentType: a.contentType,
        fileName: a.fileName,
        size: a.size,
        vmDuration: a.vmDuration,
      },
      {
        type: 'AudioRecording',
        contentType: 'audio/wav',
        fileName: 'message.wav',
        size: 3000,
        vmDuration: 42,
      },
    )
  })

  test('multipart: several attachments, and the json part as a file', async () => {
    const form = new FormData()
    form.append(
      'json',
      new Blob([JSON.stringify({ type: 'MMS', from: OUTSIDE, to: [ALICE.username], text: 'two pictures' })], {
        type: 'application/json',
      }),
      'message.json',
    )
    form.append('attachment', new Blob([Buffer.alloc(10, 1)], { type: 'image/png' }), 'a.png')
    form.append('attachment', new Blob([Buffer.alloc(20, 2)], { type: 'image/jpeg' }), 'b.jpg')
    const res = await postForm('/admin/v1/accounts/1001/inbound', form)
    assert.equal(res.status, 201, JSON.stringify(res.body))
    const record = await read(res.body.messages[0].id)
    assert.deepEqual(
      record.attachments.map((a: Record<string, unknown>) => [a.type, a.contentType, a.fileName, a.size]),
      [
        ['Text', 'text/plain', undefined, 12],
        ['MmsAttachment', 'image/png', 'a.png', 10],
        ['MmsAttachment', 'image/jpeg', 'b.jpg', 20],
      ],
    )
  })

  test('multipart without a json part is a 400', async () => {
    const form = new FormData()
    form.append('attachment', new Blob([Buffer.alloc(5)]), 'x.bin')
    const res = await postForm('/admin/v1/accounts/1001/inbound', form)
    assert.equal(res.status, 400)
    assert.equal(res.body.errors[0].parameterName, 'json')
  })

  test('an unknown account is 404', async () => {
    const res = await server.admin('POST', '/admin/v1/accounts/9999/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [ALICE.username],
      text: 'x',
    })
    assert.equal(res.status, 404)
    assert.equal(res.body.errorCode, 'CMN-102')
  })

  test('a to number no extension of the account owns is 404, and nothing lands', async () => {
    const before = (await (await alice.get(MESSAGE_STORE)).json()).paging.totalElements
    for (const to of [['+19995550000'], [ALICE.username, OLGA.username], ['+16505550100']]) {
      const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
        type: 'SMS',
        from: OUTSIDE,
        to,
        text: 'x',
      })
      assert.equal(res.status, 404, JSON.stringify(to))
      assert.equal(res.body.errorCode, 'CMN-102')
    }
    const afterCount = (await (await alice.get(MESSAGE_STORE)).json()).paging.totalElements
    assert.equal(afterCount, before)
  })

  test('bad fields are 400 naming the field', async () => {
    const good = { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'x' }
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, type: 'Pigeon' }, 'type'],
      [{ ...good, type: undefined }, 'type'],
      [{ ...good, from: 'nobody' }, 'from'],
      [{ ...good, to: [] }, 'to'],
      [{ ...good, text: undefined }, 'text'],
      [{ ...good, creationTime: 'last week' }, 'creationTime'],
      [{ ...good, type: 'Fax', faxPageCount: -1 }, 'faxPageCount'],
      [
        { ...good, type: 'VoiceMail', attachments: [{ contentType: 'audio/wav', base64: '***' }] },
        'attachments[0].base64',
      ],
    ]
    for (const [body, field] of cases) {
      const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', body)
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.errorCode, 'CMN-101')
      assert.equal(res.body.errors[0].parameterName, field)
    }
  })
})
