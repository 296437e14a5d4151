import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliver,
  everything,
  failure,
  fakeFile,
  login,
  type Platform,
  READONLY_APP,
  record,
  STORE,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

describe('attachment content: GET …/message-store/{id}/content/{attachmentId}', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let bobBefore: Map<number, any>
  const audio = fakeFile('wav', 300_000)
  const pdf = fakeFile('pdf', 120_000)
  const image = fakeFile('png', 40_000)
  const big = fakeFile('bin', 3 * 1024 * 1024 + 17)
  const text = 'Hello from the outside — ünïcödé text'
  let voicemail: any
  let fax: any
  let mms: any
  let sms: any
  let large: any
  let bobs: any

  before(async () => {
    server = await startStandard()
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    const [vm] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', fileName: 'greeting.wav', bytes: audio, vmDuration: 9 }],
    })
    const [fx] = await deliver(server, {
      type: 'Fax',
      to: [ALICE.username],
      attachments: [{ contentType: 'application/pdf', fileName: 'fax.pdf', bytes: pdf }],
    })
    const [mm] = await deliver(server, {
      type: 'MMS',
      to: [ALICE.username],
      text: 'look at this',
      attachments: [{ contentType: 'image/png', fileName: 'Ünïcode photo.png', bytes: image }],
    })
    const [sm] = await deliver(server, { type: 'SMS', to: [ALICE.username], text })
    const [lg] = await deliver(server, {
      type: 'Fax',
      to: [ALICE.username],
      attachments: [{ contentType: 'application/octet-stream', bytes: big }],
    })
    const [bb] = await deliver(server, {
      type: 'VoiceMail',
      to: [BOB.username],
      attachments: [{ contentType: 'audio/mpeg', bytes: fakeFile('bin', 1000) }],
    })
    voicemail = await record(alice, vm!)
    fax = await record(alice, fx!)
    mms = await record(alice, mm!)
    sms = await record(alice, sm!)
    large = await record(alice, lg!)
    bobs = await record(bob, bb!)
    bobBefore = await everything(bob)
  })

  after(async () => {
    assert.deepEqual(await everything(bob), bobBefore)
    await server.stop()
  })

  async function download(uri: string, headers: Record<string, string> = {}) {
    const res = await alice.get(uri, undefined, { headers })
    return { res, bytes: Buffer.from(await res.arrayBuffer()) }
  }

  test('every kind of attachment downloads byte for byte, with its type and length', async () => {
    const cases: [any, Buffer, string][] = [
      [voicemail.attachments[0], audio, 'audio/wav'],
      [fax.attachments[0], pdf, 'application/pdf'],
      [mms.attachments.find((a: any) => a.type === 'MmsAttachment'), image, 'image/png'],
      [mms.attachments.find((a: any) => a.type === 'Text'), Buffer.from('look at this'), 'text/plain'],
      [sms.attachments[0], Buffer.from(text), 'text/plain'],
      [large.attachments[0], big, 'application/octet-stream'],
    ]
    for (const [attachment, bytes, type] of cases) {
      assert.equal(attachment.contentType, type)
      assert.equal(attachment.size, bytes.length)
      const { res, bytes: got } = await download(attachment.uri)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), type)
      assert.equal(res.headers.get('content-length'), String(bytes.length))
      assert.equal(res.headers.get('accept-ranges'), 'bytes')
      assert.ok(got.equals(bytes), `${attachment.uri}: the stored bytes`)
    }
  })

  test('Content-Disposition follows contentDisposition and contentDispositionFilename', async () => {
    const uri = fax.attachments[0].uri
    const plain = await download(uri)
    assert.equal(
      plain.res.headers.get('content-disposition'),
      `inline; filename="fax.pdf"; filename*=UTF-8''fax.pdf`,
    )

    const asked = await alice.get(uri, {
      contentDisposition: 'Attachment',
      contentDispositionFilename: 'report "1".pdf',
    })
    assert.equal(
      asked.headers.get('content-disposition'),
      `attachment; filename="report _1_.pdf"; filename*=UTF-8''report%20%221%22.pdf`,
    )
    await asked.arrayBuffer()

    const inline = await alice.get(uri, { contentDisposition: 'Inline' })
    assert.match(inline.headers.get('content-disposition')!, /^inline; filename="fax.pdf"/)
    await inline.arrayBuffer()

    const unicode = await alice.get(mms.attachments.find((a: any) => a.type === 'MmsAttachment').uri)
    assert.equal(
      unicode.headers.get('content-disposition'),
      `inline; filename="_n_code photo.png"; filename*=UTF-8''%C3%9Cn%C3%AFcode%20photo.png`,
    )
    await unicode.arrayBuffer()

    const none = await download(sms.attachments[0].uri)
    assert.equal(none.res.headers.get('content-disposition'), null, 'no name, no parameter: no header')

    const bad = await failure(alice.get(uri, { contentDisposition: 'Download' }))
    assert.equal(bad.status, 400)
    assert.equal(bad.body.errorCode, 'CMN-101')
    assert.equal(bad.body.errors[0].parameterName, 'contentDisposition')
  })

  test('a single byte range answers 206 with Content-Range', async () => {
    const uri = voicemail.attachments[0].uri
    const n = audio.length
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, n - 1],
      ['bytes=-500', n - 500, n - 1],
      ['bytes=299990-999999999', 299990, n - 1],
      [`bytes=${n - 1}-${n - 1}`, n - 1, n - 1],
    ]
    for (const [range, start, end] of cases) {
      const { res, bytes } = await download(uri, { Range: range })
      assert.equal(res.status, 206, range)
      assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/${n}`)
      assert.equal(res.headers.get('content-length'), String(end - start + 1))
      assert.equal(res.headers.get('content-type'), 'audio/wav')
      assert.ok(bytes.equals(audio.subarray(start, end + 1)), range)
    }
    // A range in the middle of a large file.
    const mid = await download(large.attachments[0].uri, { Range: 'bytes=1048570-2097160' })
    assert.equal(mid.res.status, 206)
    assert.ok(mid.bytes.equals(big.subarray(1048570, 2097161)))

    // Several ranges, or another unit: the whole content.
    for (const range of ['bytes=0-1,5-9', 'items=0-1', 'bytes=9-1']) {
      const whole = await download(uri, { Range: range })
      assert.equal(whole.res.status, 200, range)
      assert.ok(whole.bytes.equals(audio))
    }
  })

  test('an unsatisfiable range is a 416 with Content-Range: bytes */N and CMN-107', async () => {
    const uri = voicemail.attachments[0].uri
    for (const range of [
      `bytes=${audio.length}-`,
      `bytes=${audio.length + 10}-${audio.length + 20}`,
      'bytes=-0',
    ]) {
      const { status, body, headers } = await failure(
        alice.get(uri, undefined, { headers: { Range: range } }),
      )
      assert.equal(status, 416, range)
      assert.equal(headers.get('content-range'), `bytes */${audio.length}`)
      assert.equal(body.errorCode, 'CMN-107')
    }
  })

  test('ETag is the SHA-256 of the bytes; If-None-Match answers 304; If-Range guards ranges', async () => {
    const uri = fax.attachments[0].uri
    const etag = `"${createHash('sha256').update(pdf).digest('hex')}"`
    const first = await download(uri)
    assert.equal(first.res.headers.get('etag'), etag)
    for (const condition of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const { status, headers } = await failure(
        alice.get(uri, undefined, { headers: { 'If-None-Match': condition } }),
      )
      assert.equal(status, 304, condition)
      assert.equal(headers.get('etag'), etag)
    }
    const changed = await download(uri, { 'If-None-Match': '"something-else"' })
    assert.equal(changed.res.status, 200)
    assert.ok(changed.bytes.equals(pdf))

    const guarded = await download(uri, { Range: 'bytes=0-9', 'If-Range': etag })
    assert.equal(guarded.res.status, 206)
    const stale = await download(uri, { Range: 'bytes=0-9', 'If-Range': '"stale"' })
    assert.equal(stale.res.status, 200)
    assert.ok(stale.bytes.equals(pdf))
  })

  test('HEAD answers the headers only', async () => {
    const res = await fetch(await alice.signUrl(voicemail.attachments[0].uri), { method: 'HEAD' })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-length'), String(audio.length))
    assert.equal(res.headers.get('content-type'), 'audio/wav')
    assert.equal((await res.arrayBuffer()).byteLength, 0)
  })

  test('the access_token query parameter authenticates a download (a media link)', async () => {
    const signed = await alice.signUrl(fax.attachments[0].uri)
    assert.match(signed, /access_token=/)
    const res = await fetch(signed)
    assert.equal(res.status, 200)
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(pdf))
  })

  test('a Deleted message keeps its content; unknown ids and other mailboxes are 404 CMN-102', async () => {
    const [vm] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', bytes: fakeFile('wav', 777) }],
    })
    const deleted = await record(alice, vm!)
    await alice.delete(`${STORE}/${vm}`)
    assert.equal((await download(deleted.attachments[0].uri)).res.status, 200)

    const attachmentId = voicemail.attachments[0].id
    const bobsAttachment = bobs.attachments[0]
    const cases: [string, string][] = [
      [`${STORE}/${voicemail.id}/content/999999999`, 'attachmentId'],
      [`${STORE}/${voicemail.id}/content/${fax.attachments[0].id}`, 'attachmentId'],
      [`${STORE}/999999999/content/${attachmentId}`, 'messageId'],
      [`${STORE}/abc/content/${attachmentId}`, 'messageId'],
      [`${STORE}/${bobs.id}/content/${bobsAttachment.id}`, 'messageId'],
    ]
    for (const [path, name] of cases) {
      const { status, body } = await failure(alice.get(path))
      assert.equal(status, 404, path)
      assert.equal(body.errorCode, 'CMN-102')
      assert.equal(body.errors[0].parameterName, name)
    }
    // Bob reads his own; Alice, a SuperAdmin, reads it through his extension id.
    assert.equal((await bob.get(bobsAttachment.uri)).status, 200)
    const viaAdmin = await alice.get(
      `/restapi/v1.0/account/~/extension/${BOB.id}/message-store/${bobs.id}/content/${bobsAttachment.id}`,
    )
    assert.equal(viaAdmin.status, 200)
    await viaAdmin.arrayBuffer()
  })

  test('a Purged message has no content any more', async () => {
    const bytes = fakeFile('png', 999)
    const [mm] = await deliver(server, {
      type: 'MMS',
      to: [ALICE.username],
      attachments: [{ contentType: 'image/png', bytes }],
    })
    const m = await record(alice, mm!)
    assert.equal((await download(m.attachments[0].uri)).res.status, 200)
    await alice.delete(`${STORE}/${mm}`, undefined, { purge: true })
    const gone = await failure(alice.get(m.attachments[0].uri))
    assert.equal(gone.status, 404)
    assert.equal(gone.body.errorCode, 'CMN-102')
  })

  test('an app without ReadMessages gets 403 CMN-401', async () => {
    const { platform: readonly } = await login(server, ALICE, READONLY_APP)
    const { status, body } = await failure(readonly.get(fax.attachments[0].uri))
    assert.equal(status, 403)
    assert.equal(body.errorCode, 'CMN-401')
  })
})
