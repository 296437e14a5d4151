import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliver,
  deliverOne,
  getJson,
  login,
  MESSAGE_STORE,
  type Platform,
  sdkError,
  sdkFor,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const OUTSIDE = '+14155550123'
const WHEN = '2025-03-04T05:06:07.000Z'
const MULTIPART_JSON = 'application/vnd.ringcentral.multipart+json'

let server: RunningServer
let alice: Platform
let mailbox: string // the absolute URI of Alice's message store
const id: Record<string, number> = {}
const bytes = {
  wav: Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00'),
  pdf: Buffer.from('%PDF-1.4\n%fake\n'),
  png: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
}

before(async () => {
  server = await startProvisioned()
  mailbox = `${server.baseUrl}/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store`
  id.sms = await deliverOne(server, {
    type: 'SMS',
    from: OUTSIDE,
    to: [ALICE.username],
    text: 'Hello, Alice ✓',
    creationTime: WHEN,
  })
  id.vm = await deliverOne(server, {
    type: 'VoiceMail',
    from: OUTSIDE,
    to: [ALICE.username],
    creationTime: WHEN,
    attachments: [
      { contentType: 'audio/wav', fileName: 'vm.wav', base64: bytes.wav.toString('base64'), vmDuration: 25 },
    ],
  })
  id.fax = await deliverOne(server, {
    type: 'Fax',
    from: OUTSIDE,
    to: [ALICE.username],
    creationTime: WHEN,
    faxPageCount: 3,
    attachments: [
      { contentType: 'application/pdf', fileName: 'fax.pdf', base64: bytes.pdf.toString('base64') },
    ],
  })
  id.mms = await deliverOne(server, {
    type: 'MMS',
    from: OUTSIDE,
    to: [ALICE.username],
    text: 'look',
    creationTime: WHEN,
    attachments: [{ contentType: 'image/png', fileName: 'cat.png', base64: bytes.png.toString('base64') }],
  })
  id.bob = await deliverOne(server, {
    type: 'SMS',
    from: OUTSIDE,
    to: [BOB.username],
    text: 'for Bob',
    creationTime: WHEN,
  })
  alice = await login(server.baseUrl, ALICE)
})
after(async () => {
  await server.stop()
})

async function read(messageId: number | string, platform = alice) {
  const res = await platform.get(`${MESSAGE_STORE}/${messageId}`)
  assert.equal(res.status, 200)
  return res.json()
}

describe('the message record', () => {
  test('an SMS, field by field', async () => {
    const record = await read(id.sms!)
    const attachment = record.attachments[0]
    assert.deepEqual(record, {
      uri: `${mailbox}/${id.sms}`,
      id: id.sms,
      to: [{ phoneNumber: ALICE.username, name: 'Alice Admin' }],
      from: { phoneNumber: OUTSIDE },
      type: 'SMS',
      creationTime: WHEN,
      readStatus: 'Unread',
      priority: 'Normal',
      attachments: [
        {
          id: attachment.id,
          uri: `${mailbox}/${id.sms}/content/${attachment.id}`,
          type: 'Text',
          contentType: 'text/plain',
          size: Buffer.byteLength('Hello, Alice ✓'),
        },
      ],
      direction: 'Inbound',
      availability: 'Alive',
      subject: 'Hello, Alice ✓',
      messageStatus: 'Received',
      conversationId: record.conversationId,
      conversation: {
        id: String(record.conversationId),
        uri: `${server.baseUrl}/restapi/v1.0/conversation/${record.conversationId}`,
      },
      lastModifiedTime: record.lastModifiedTime,
    })
    assert.ok(Number.isSafeInteger(record.id) && record.id > 0)
    assert.ok(Number.isSafeInteger(attachment.id))
    assert.ok(Number.isSafeInteger(record.conversationId) && record.conversationId > 0)
    assert.ok(Date.parse(record.lastModifiedTime) >= Date.parse(WHEN))
  })

  test('a voicemail: an AudioRecording with vmDuration, no conversation', async () => {
    const record = await read(id.vm!)
    assert.equal(record.type, 'VoiceMail')
    assert.equal(record.vmTranscriptionStatus, 'NotAvailable')
    assert.equal(record.conversationId, undefined)
    assert.equal(record.conversation, undefined)
    assert.equal(record.messageStatus, 'Received')
    const [audio, ...rest] = record.attachments
    assert.deepEqual(rest, [])
    assert.deepEqual(audio, {
      id: audio.id,
      uri: `${mailbox}/${id.vm}/content/${audio.id}`,
      type: 'AudioRecording',
      contentType: 'audio/wav',
      fileName: 'vm.wav',
      size: bytes.wav.length,
      vmDuration: 25,
    })
  })

  test('a fax: a RenderedDocument and faxPageCount, no conversation', async () => {
    const record = await read(id.fax!)
    assert.equal(record.type, 'Fax')
    assert.equal(record.faxPageCount, 3)
    assert.equal(record.conversationId, undefined)
    assert.equal(record.conversation, undefined)
    assert.deepEqual(
      record.attachments.map((a: Record<string, unknown>) => [a.type, a.contentType, a.fileName, a.size]),
      [['RenderedDocument', 'application/pdf', 'fax.pdf', bytes.pdf.length]],
    )
  })

  test('an MMS: an SMS record with its text and an MmsAttachment', async () => {
    const record = await read(id.mms!)
    assert.equal(record.type, 'SMS')
    assert.equal(record.subject, 'look')
    assert.ok(Number.isSafeInteger(record.conversationId))
    assert.deepEqual(
      record.attachments.map((a: Record<string, unknown>) => [a.type, a.contentType, a.size]),
      [
        ['Text', 'text/plain', 4],
        ['MmsAttachment', 'image/png', bytes.png.length],
      ],
    )
    for (const a of record.attachments) assert.equal(a.uri, `${mailbox}/${id.mms}/content/${a.id}`)
  })

  test('a message for two users lands in both mailboxes, with its own id in each', async () => {
    const ids = await deliver(server, {
      type: 'SMS',
      from: OUTSIDE,
      to: [ALICE.username, BOB.username],
      text: 'to you both',
    })
    assert.equal(ids.length, 2)
    assert.notEqual(ids[0], ids[1])
    const bob = await login(server.baseUrl, BOB)
    const bobs = await bob.get(`${MESSAGE_STORE}/${ids[1]}`)
    assert.equal(bobs.status, 200)
    const record = await read(ids[0]!)
    assert.deepEqual(
      record.to.map((p: { phoneNumber: string }) => p.phoneNumber),
      [ALICE.username, BOB.username],
    )
  })

  test('the list shows the same records as the single read', async () => {
    const res = await alice.get(MESSAGE_STORE, {
      dateFrom: '2025-03-01T00:00:00Z',
      dateTo: '2025-03-31T00:00:00Z',
    })
    const body = await res.json()
    assert.equal(body.records.length, 4)
    for (const record of body.records) assert.deepEqual(record, await read(record.id))
  })
})

describe('single read', () => {
  test('an unknown id is 404 CMN-102', async () => {
    const res = await sdkError(alice.get(`${MESSAGE_STORE}/987654321`))
    assert.equal(res.status, 404)
    assert.deepEqual(res.body, {
      errorCode: 'CMN-102',
      message: 'Resource for parameter [messageId] is not found',
      errors: [
        {
          errorCode: 'CMN-102',
          message: 'Resource for parameter [messageId] is not found',
          parameterName: 'messageId',
        },
      ],
      parameterName: 'messageId',
    })
  })

  test("another user's message is not found in my mailbox", async () => {
    const res = await sdkError(alice.get(`${MESSAGE_STORE}/${id.bob}`))
    assert.equal(res.status, 404)
    assert.equal(res.body.errorCode, 'CMN-102')
  })

  test('an id that is not a number is 404, not a 500', async () => {
    for (const bad of ['abc', '-1', '1.5', '99999999999999999999']) {
      const res = await sdkError(alice.get(`${MESSAGE_STORE}/${bad}`))
      assert.ok(res.status === 404 || res.status === 400, `${bad}: ${res.status}`)
      assert.match(res.body.errorCode, /^CMN-10[12]$/)
    }
  })

  test('explicit account and extension ids read the same message', async () => {
    const res = await alice.get(`/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store/${id.sms}`)
    assert.equal((await res.json()).id, id.sms)
  })
})

describe('bulk read', () => {
  test('multipart/mixed by default: a summary part, then one part per id', async () => {
    const res = await alice.get(`${MESSAGE_STORE}/${id.sms},${id.vm},424242`)
    assert.equal(res.status, 207)
    assert.match(res.headers.get('content-type')!, /^multipart\/mixed; boundary=/)
    const parts = await sdkFor(server.baseUrl).client().multipart(res)
    assert.deepEqual(
      parts.map((p) => p.status),
      [200, 200, 404],
    )
    const [sms, vm, missing] = await Promise.all(parts.map((p) => p.json()))
    assert.deepEqual(sms, await read(id.sms!))
    assert.deepEqual(vm, await read(id.vm!))
    assert.equal(missing.errorCode, 'CMN-102')
    assert.equal(missing.errors[0].parameterName, 'messageId')
  })

  test('the multipart/mixed summary part lists href, status and description', async () => {
    const res = await alice.get(`${MESSAGE_STORE}/${id.fax},1234567`)
    const boundary = /boundary=([^;]+)/.exec(res.headers.get('content-type')!)![1]!
    const text = await res.text()
    const sections = text.split(`--${boundary}`)
    assert.equal(sections.at(-1)!.trim(), '--')
    const parts = sections.slice(1, -1).map((section) => {
      const [head, ...body] = section.replace(/^\r\n/, '').split('\r\n\r\n')
      assert.match(head!, /^content-type: application\/json/i)
      return JSON.parse(body.join('\r\n\r\n'))
    })
    assert.equal(parts.length, 3)
    assert.deepEqual(parts[0], {
      response: [
        { href: `${mailbox}/${id.fax}`, status: 200, responseDescription: 'OK' },
        { href: `${mailbox}/1234567`, status: 404, responseDescription: 'Not Found' },
      ],
    })
    assert.equal(parts[1].id, id.fax)
    assert.equal(parts[2].errorCode, 'CMN-102')
  })

  test('application/vnd.ringcentral.multipart+json when asked, in request order', async () => {
    const token = (await alice.auth().data()).access_token!
    const res = await getJson(`${server.baseUrl}${MESSAGE_STORE}/${id.mms},555,${id.sms}`, token, {
      accept: MULTIPART_JSON,
    })
    assert.equal(res.status, 207)
    assert.equal(res.headers.get('content-type')!.split(';')[0], MULTIPART_JSON)
    assert.deepEqual(
      res.body.map((p: { resourceId: string; status: number }) => [p.resourceId, p.status]),
      [
        [String(id.mms), 200],
        ['555', 404],
        [String(id.sms), 200],
      ],
    )
    assert.deepEqual(res.body[0].body, await read(id.mms!))
    assert.equal(res.body[1].body.errorCode, 'CMN-102')
    assert.deepEqual(res.body[2].body, await read(id.sms!))
  })

  test('the SDK can ask for the JSON form too', async () => {
    const res = await alice.get(`${MESSAGE_STORE}/${id.sms},${id.vm}`, undefined, {
      headers: { Accept: MULTIPART_JSON },
    })
    assert.equal(res.status, 207)
    const body = await res.json()
    assert.deepEqual(
      body.map((p: { body: { id: number } }) => p.body.id),
      [id.sms, id.vm],
    )
  })

  test("another user's id is a 404 part", async () => {
    const res = await alice.get(`${MESSAGE_STORE}/${id.sms},${id.bob}`, undefined, {
      headers: { Accept: MULTIPART_JSON },
    })
    const body = await res.json()
    assert.deepEqual(
      body.map((p: { status: number }) => p.status),
      [200, 404],
    )
  })

  test('50 ids are answered; 51 are 400 CMN-106', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => (i === 0 ? id.sms : 1_000_000 + i))
    const ok = await alice.get(`${MESSAGE_STORE}/${fifty.join(',')}`, undefined, {
      headers: { Accept: MULTIPART_JSON },
    })
    assert.equal(ok.status, 207)
    const parts = await ok.json()
    assert.equal(parts.length, 50)
    assert.equal(parts.filter((p: { status: number }) => p.status === 200).length, 1)

    const res = await sdkError(alice.get(`${MESSAGE_STORE}/${[...fifty, 2_000_000].join(',')}`))
    assert.equal(res.status, 400)
    assert.equal(res.body.errorCode, 'CMN-106')
    assert.equal(res.body.errors[0].errorCode, 'CMN-106')
  })
})
