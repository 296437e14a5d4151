import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { pdfOf, pdfPages, tiffOf } from '../helpers/documents.js'
import { ALICE, BOB, login, type Platform } from '../helpers/sdk.js'
import {
  advance,
  content,
  DELIVERY_FAILS,
  EXT,
  message,
  messages,
  multipart,
  OUTSIDE,
  type Part,
  SENDING_FAILS,
  SLOW,
  startSendingServer,
} from '../helpers/sending.js'
import type { RunningServer } from '../helpers/server.js'

let server: RunningServer
let alice: Platform
let bob: Platform
let pdf3: Buffer
const tiff2 = tiffOf(2)

before(async () => {
  server = await startSendingServer()
  alice = await login(server.baseUrl, ALICE)
  bob = await login(server.baseUrl, BOB)
  pdf3 = await pdfOf(3)
})
after(async () => {
  await server.stop()
})

/** Sends a fax the way the sending-faxes guide does: form-data, a JSON part, then the documents. */
async function sendFax(body: unknown, documents?: Part[]) {
  const parts = documents ?? [{ bytes: pdf3, name: 'three.pdf', type: 'application/pdf' }]
  return (await alice.post(`${EXT}/fax`, multipart(body, parts))).json()
}

/** Bob's inbound faxes, newest first. */
const bobsFaxes = () => messages(bob, { messageType: 'Fax', direction: 'Inbound' })

describe('fax', () => {
  test('a 3-page PDF and a 2-page TIFF: the real page count, the documents readable by the recipient', async () => {
    const before = (await bobsFaxes()).length
    const sent = await sendFax(
      {
        to: [{ phoneNumber: BOB.username, name: 'Bob B.' }],
        faxResolution: 'High',
        coverPageText: 'Contract attached',
      },
      [
        { bytes: pdf3, name: 'contract.pdf', type: 'application/pdf' },
        { bytes: tiff2, name: 'scan.tiff', type: 'image/tiff' },
      ],
    )
    assert.equal(sent.type, 'Fax')
    assert.equal(sent.direction, 'Outbound')
    assert.equal(sent.messageStatus, 'Queued')
    assert.equal(sent.faxResolution, 'High')
    assert.equal(sent.coverPageText, 'Contract attached')
    assert.equal(sent.from.phoneNumber, ALICE.username)
    assert.equal(sent.to[0].phoneNumber, BOB.username)
    assert.equal(sent.to[0].name, 'Bob B.')
    // 3 + 2 pages and the default cover page.
    assert.equal(sent.faxPageCount, 6)

    const faxes = await bobsFaxes()
    assert.equal(faxes.length, before + 1)
    const received = faxes[0]
    assert.equal(received.messageStatus, 'Received')
    assert.equal(received.faxPageCount, 6)
    assert.equal(received.from.phoneNumber, ALICE.username)
    assert.deepEqual(
      received.attachments.map((a: any) => [a.type, a.contentType]),
      [
        ['RenderedDocument', 'application/pdf'],
        ['RenderedDocument', 'application/pdf'],
        ['RenderedDocument', 'image/tiff'],
      ],
    )
    const [cover, doc, scan] = await Promise.all(received.attachments.map((a: any) => content(bob, a.uri)))
    assert.equal(await pdfPages(cover!.bytes), 1)
    assert.equal(cover!.type, 'application/pdf')
    assert.ok(doc!.bytes.equals(pdf3))
    assert.equal(await pdfPages(doc!.bytes), 3)
    assert.ok(scan!.bytes.equals(tiff2))
    // The sender reads the same documents from its own copy.
    const mine = await content(alice, sent.attachments[1].uri)
    assert.ok(mine.bytes.equals(pdf3))

    await advance(server)
    assert.equal((await message(alice, sent.id)).messageStatus, 'Sent')
  })

  test('coverIndex 0: no cover page', async () => {
    const sent = await sendFax({ to: [{ phoneNumber: BOB.username }], coverIndex: 0 }, [
      { bytes: pdf3, name: 'a.pdf', type: 'application/pdf' },
      { bytes: tiff2, name: 'b.tif' },
    ])
    assert.equal(sent.faxPageCount, 5)
    assert.equal(sent.coverIndex, 0)
    assert.equal(sent.attachments.length, 2)
    assert.equal(sent.faxResolution, 'Low')
  })

  test('multipart/mixed with a JSON part without a file name', async () => {
    const boundary = 'Boundary_1_14413901_1361871080888'
    const text = Array.from({ length: 70 }, (_, i) => `line ${i}`).join('\n')
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/json\r\n\r\n` +
          `${JSON.stringify({ to: [{ phoneNumber: BOB.username }], faxResolution: 'High', coverIndex: 0 })}\r\n` +
          `--${boundary}\r\nContent-Disposition: attachment; filename="fax.txt"\r\nContent-Type: text/plain\r\n\r\n` +
          `${text}\r\n--${boundary}\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      pdf3,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const res = await alice.post(`${EXT}/fax`, body, undefined, {
      headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` },
    })
    const sent = await res.json()
    // 70 lines of text are two pages; the PDF three.
    assert.equal(sent.faxPageCount, 5)
    const received = (await bobsFaxes())[0]
    assert.equal(received.faxPageCount, 5)
    assert.equal((await content(bob, received.attachments[0].uri)).bytes.toString(), text)
  })

  test('multipart/form-data with one form field per envelope field, as the fax formats guide shows', async () => {
    const boundary = 'Boundary_14_2952358_1361963763144'
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename=""\r\n` +
      `Content-Transfer-Encoding: 8bit\r\nContent-Type: text/plain\r\n\r\n${value}\r\n`
    const body = Buffer.concat([
      Buffer.from(
        field('coverPageText', 'Hello') +
          field('coverIndex', '2') +
          field('faxResolution', 'High') +
          field('to', BOB.username.slice(1)) +
          field('to', OUTSIDE.slice(1)) +
          `--${boundary}\r\nContent-Disposition: form-data; name="attachment"; filename=""\r\n` +
          `Content-Transfer-Encoding: binary\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      pdf3,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const res = await alice.post(`${EXT}/fax`, body, undefined, {
      headers: { 'Content-Type': `multipart/form-data;boundary=${boundary}` },
    })
    const sent = await res.json()
    assert.deepEqual(
      sent.to.map((t: any) => t.phoneNumber),
      [BOB.username, OUTSIDE],
    )
    assert.equal(sent.coverIndex, 2)
    assert.equal(sent.coverPageText, 'Hello')
    assert.equal(sent.faxResolution, 'High')
    assert.equal(sent.faxPageCount, 4)
    await advance(server, 'PT1M')
    const done = await message(alice, sent.id)
    assert.equal(done.messageStatus, 'Sent')
    assert.deepEqual(
      done.to.map((t: any) => t.messageStatus),
      ['Sent', 'Sent'],
    )
  })

  test('a scheduled fax waits until the clock reaches its sendTime', async () => {
    const now = Date.parse((await server.admin('GET', '/admin/v1/clock')).body.now)
    const before = (await bobsFaxes()).length
    const sent = await sendFax({
      to: [{ phoneNumber: BOB.username }],
      sendTime: new Date(now + 3600_000).toISOString(),
    })
    assert.equal(sent.messageStatus, 'Queued')
    await advance(server, 'PT59M', alice, bob)
    assert.equal((await bobsFaxes()).length, before)
    assert.equal((await message(alice, sent.id)).messageStatus, 'Queued')
    await advance(server, 'PT1M', alice, bob)
    const faxes = await bobsFaxes()
    assert.equal(faxes.length, before + 1)
    assert.equal(faxes[0].faxPageCount, 4)
    assert.equal((await message(alice, sent.id)).messageStatus, 'Sent')
  })

  test('a scheduled fax deleted before its time is never sent', async () => {
    const now = Date.parse((await server.admin('GET', '/admin/v1/clock')).body.now)
    const before = (await bobsFaxes()).length
    const sent = await sendFax({
      to: [{ phoneNumber: BOB.username }],
      sendTime: new Date(now + 600_000).toISOString(),
    })
    await alice.delete(`${EXT}/message-store/${sent.id}`)
    await advance(server, 'PT1H', alice, bob)
    assert.equal((await bobsFaxes()).length, before)
  })

  test('the reserved numbers: SendingFailed, Sent then DeliveryFailed, Queued for 10 minutes', async () => {
    const failing = await sendFax({ to: [{ phoneNumber: SENDING_FAILS }] })
    const undeliverable = await sendFax({ to: [{ phoneNumber: DELIVERY_FAILS }] })
    const slow = await sendFax({ to: [{ phoneNumber: SLOW }] })
    await advance(server, 'PT5S')
    assert.equal((await message(alice, undeliverable.id)).messageStatus, 'Sent')
    await advance(server, 'PT9M')
    const f = await message(alice, failing.id)
    assert.equal(f.messageStatus, 'SendingFailed')
    assert.equal(f.to[0].faxErrorCode, 'InvalidNumber')
    assert.ok(f.deliveryErrorCode)
    const u = await message(alice, undeliverable.id)
    assert.equal(u.messageStatus, 'DeliveryFailed')
    assert.ok(u.deliveryErrorCode)
    assert.equal((await message(alice, slow.id)).messageStatus, 'Queued')
    await advance(server, 'PT1M')
    assert.equal((await message(alice, slow.id)).messageStatus, 'Sent')
  })

  test('a failed fax is re-sent, and any fax forwarded, with its documents (JSON body)', async () => {
    const failing = await sendFax({ to: [{ phoneNumber: SENDING_FAILS }], coverIndex: 0 })
    await advance(server, 'PT1M')
    const resent = await (await alice.post(`${EXT}/fax`, { originalMessageId: String(failing.id) })).json()
    assert.notEqual(resent.id, failing.id)
    assert.equal(resent.messageStatus, 'Queued')
    assert.equal(resent.faxPageCount, 3)
    assert.equal(resent.to[0].phoneNumber, SENDING_FAILS)
    const before = (await bobsFaxes()).length
    const forwarded = await (
      await alice.post(`${EXT}/fax`, { originalMessageId: failing.id, to: [{ phoneNumber: BOB.username }] })
    ).json()
    assert.equal(forwarded.to[0].phoneNumber, BOB.username)
    const faxes = await bobsFaxes()
    assert.equal(faxes.length, before + 1)
    assert.ok((await content(bob, faxes[0].attachments[0].uri)).bytes.equals(pdf3))
  })
})
