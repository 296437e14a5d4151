import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { PNG, pdfOf } from '../helpers/documents.js'
import { ALICE, BOB, login, type Platform, READONLY_APP, sdkError } from '../helpers/sdk.js'
import { EXT, mixed, multipart, type Part, postRaw, startSendingServer } from '../helpers/sending.js'
import { type RunningServer, STANDARD_FILE } from '../helpers/server.js'

const SMS_ONLY = { clientId: 'sms-client', clientSecret: 'sms-secret' }

let server: RunningServer
let alice: Platform
let pdf: Buffer

before(async () => {
  server = await startSendingServer()
  const file = structuredClone(STANDARD_FILE) as any
  file.apps.push({
    ...SMS_ONLY,
    name: 'SMS only',
    grantTypes: ['password'],
    permissions: ['SMS', 'ReadMessages'],
  })
  assert.equal((await server.admin('POST', '/admin/v1/provision', file)).status, 200)
  alice = await login(server.baseUrl, ALICE)
  pdf = await pdfOf(1)
})
after(async () => {
  await server.stop()
})

const sms = { from: { phoneNumber: ALICE.username }, to: [{ phoneNumber: BOB.username }], text: 'hi' }

/** The error of a call that must fail: status, errorCode, and the parameter it names. */
async function expectError(
  call: Promise<unknown>,
  status: number,
  errorCode: string,
  parameterName?: string,
): Promise<void> {
  const res = await sdkError(call)
  assert.equal(res.status, status, JSON.stringify(res.body))
  assert.equal(res.body.errorCode, errorCode, JSON.stringify(res.body))
  assert.equal(res.body.errors[0].errorCode, errorCode)
  if (parameterName !== undefined) assert.equal(res.body.errors[0].parameterName, parameterName)
}

const mms = (parts: Part[], envelope: unknown = sms) => alice.post(`${EXT}/mms`, multipart(envelope, parts))
const fax = (parts: Part[], envelope: unknown = { to: [{ phoneNumber: BOB.username }] }) =>
  alice.post(`${EXT}/fax`, multipart(envelope, parts))
const pdfPart = (): Part => ({ bytes: pdf, name: 'a.pdf', type: 'application/pdf' })
const pager = (body: unknown) => alice.post(`${EXT}/company-pager`, body)

describe('sending: permissions', () => {
  test('each endpoint needs its app permission: SMS, Faxes, InternalMessages', async () => {
    const none = await login(server.baseUrl, ALICE, READONLY_APP)
    await expectError(none.post(`${EXT}/sms`, sms), 403, 'CMN-401')
    await expectError(
      none.post(`${EXT}/mms`, multipart(sms, [{ bytes: PNG, name: 'a.png' }])),
      403,
      'CMN-401',
    )
    const smsOnly = await login(server.baseUrl, ALICE, SMS_ONLY)
    assert.equal((await smsOnly.post(`${EXT}/sms`, sms)).status, 200)
    await expectError(
      smsOnly.post(`${EXT}/fax`, multipart({ to: [{ phoneNumber: BOB.username }] }, [pdfPart()])),
      403,
      'CMN-401',
    )
    await expectError(
      smsOnly.post(`${EXT}/company-pager`, { to: [{ extensionNumber: '102' }], text: 'x' }),
      403,
      'CMN-401',
    )
  })

  test('nobody sends as another extension, not even a SuperAdmin', async () => {
    const path = '/restapi/v1.0/account/~/extension/62002'
    await expectError(alice.post(`${path}/sms`, sms), 403, 'CMN-404')
    await expectError(
      alice.post(`${path}/company-pager`, { to: [{ extensionNumber: '101' }], text: 'x' }),
      403,
      'CMN-404',
    )
    await expectError(
      alice.post(`${path}/fax`, multipart({ to: [{ phoneNumber: BOB.username }] }, [pdfPart()])),
      403,
      'CMN-404',
    )
    await expectError(alice.post('/restapi/v1.0/account/2001/extension/~/sms', sms), 403, 'CMN-404')
    // The caller's own id in the path is the caller.
    assert.equal((await alice.post(`/restapi/v1.0/account/1001/extension/${ALICE.id}/sms`, sms)).status, 200)
  })

  test('from a number the extension does not own: 403 MSG-304; pager from another extension: 400 MSG-331', async () => {
    await expectError(
      alice.post(`${EXT}/sms`, { ...sms, from: { phoneNumber: BOB.username } }),
      403,
      'MSG-304',
      'from.phoneNumber',
    )
    await expectError(
      pager({ from: { extensionNumber: '102' }, to: [{ extensionNumber: '102' }], text: 'x' }),
      400,
      'MSG-331',
      'from',
    )
    await expectError(
      pager({ from: { extensionId: BOB.id }, to: [{ extensionNumber: '102' }], text: 'x' }),
      400,
      'MSG-331',
      'from',
    )
  })
})

describe('sending: validation', () => {
  test('SMS: numbers and text', async () => {
    const post = (body: unknown) => alice.post(`${EXT}/sms`, body)
    await expectError(post({ ...sms, from: undefined }), 400, 'CMN-101', 'from')
    await expectError(
      post({ ...sms, from: { phoneNumber: 'not a number' } }),
      400,
      'CMN-101',
      'from.phoneNumber',
    )
    await expectError(post({ ...sms, to: undefined }), 400, 'CMN-101', 'to')
    await expectError(post({ ...sms, to: [] }), 400, 'CMN-101', 'to')
    await expectError(post({ ...sms, to: [{ phoneNumber: '12' }] }), 400, 'CMN-101', 'to.phoneNumber')
    await expectError(post({ ...sms, to: [{}] }), 400, 'CMN-101', 'to.phoneNumber')
    await expectError(post({ ...sms, text: undefined }), 400, 'CMN-101', 'text')
    await expectError(post({ ...sms, text: '' }), 400, 'CMN-101', 'text')
    await expectError(post({ ...sms, text: 42 }), 400, 'CMN-101', 'text')
    // 1000 UTF-16 units at most; a character outside the BMP counts twice.
    assert.equal((await post({ ...sms, text: 'a'.repeat(1000) })).status, 200)
    assert.equal((await post({ ...sms, text: '😀'.repeat(500) })).status, 200)
    await expectError(post({ ...sms, text: 'a'.repeat(1001) }), 400, 'MSG-338', 'text')
    await expectError(post({ ...sms, text: `${'😀'.repeat(500)}a` }), 400, 'MSG-338', 'text')
    await expectError(post([sms]), 400, 'CMN-101')
  })

  test('MMS: attachment count, size, type and emptiness', async () => {
    await expectError(alice.post(`${EXT}/mms`, sms), 400, 'CMN-101', 'attachment')
    const eleven = Array.from(
      { length: 11 },
      (_, i): Part => ({ bytes: PNG, name: `${i}.png`, type: 'image/png' }),
    )
    await expectError(mms(eleven), 400, 'CMN-101', 'attachment')
    const big = Buffer.alloc(1_500_001, 1)
    await expectError(mms([{ bytes: big, name: 'big.mp4', type: 'video/mp4' }]), 400, 'MSG-337', 'attachment')
    assert.equal(
      (
        await mms([
          { bytes: Buffer.alloc(1_500_000 - PNG.length, 1), name: 'ok.mp4', type: 'video/mp4' },
          { bytes: PNG, name: 'a.png' },
        ])
      ).status,
      200,
    )
    await expectError(
      mms([{ bytes: Buffer.from('MZ'), name: 'tool.exe', type: 'application/x-msdownload' }]),
      400,
      'MSG-348',
      'attachment',
    )
    await expectError(
      mms([{ bytes: Buffer.alloc(0), name: 'empty.png', type: 'image/png' }]),
      400,
      'MSG-347',
      'attachment',
    )
    await expectError(
      mms([{ bytes: PNG, name: 'a.png' }], { ...sms, text: 'x'.repeat(1001) }),
      400,
      'MSG-338',
      'text',
    )
    await expectError(
      postRaw(alice, '/mms', mixed(sms, [{ bytes: PNG, name: 'noext' }])),
      400,
      'MSG-348',
      'attachment',
    )
    // A broken JSON part.
    const raw = mixed(sms, [{ bytes: PNG, name: 'a.png' }])
    raw.body = Buffer.from(raw.body.toString('latin1').replace('{"from"', '{from'), 'latin1')
    await expectError(postRaw(alice, '/mms', raw), 400, 'CMN-103')
  })

  test('fax: documents and envelope fields', async () => {
    await expectError(fax([]), 400, 'CMN-101', 'attachment')
    await expectError(fax([pdfPart()], {}), 400, 'CMN-101', 'to')
    await expectError(fax([pdfPart()], { to: [{ phoneNumber: 'abc' }] }), 400, 'CMN-101', 'to.phoneNumber')
    await expectError(
      fax([{ bytes: Buffer.from([0, 1, 2, 3]), name: 'x.exe', type: 'application/x-msdownload' }]),
      400,
      'MSG-348',
      'attachment',
    )
    await expectError(
      fax([{ bytes: Buffer.from('%PDF-1.4 but not really'), name: 'bad.pdf', type: 'application/pdf' }]),
      400,
      'CMN-101',
      'attachment',
    )
    await expectError(
      fax([{ bytes: Buffer.from('II*\0\x08\0\0\0\0\0', 'latin1'), name: 'bad.tif' }]),
      400,
      'CMN-101',
      'attachment',
    )
    await expectError(fax([{ bytes: Buffer.alloc(0), name: 'empty.pdf' }]), 400, 'MSG-347', 'attachment')
    const to = [{ phoneNumber: BOB.username }]
    await expectError(fax([pdfPart()], { to, faxResolution: 'Ultra' }), 400, 'CMN-101', 'faxResolution')
    await expectError(fax([pdfPart()], { to, coverIndex: 14 }), 400, 'CMN-101', 'coverIndex')
    await expectError(
      fax([pdfPart()], { to, coverPageText: 'x'.repeat(1025) }),
      400,
      'CMN-101',
      'coverPageText',
    )
    await expectError(fax([pdfPart()], { to, sendTime: 'tomorrow' }), 400, 'CMN-101', 'sendTime')
    await expectError(fax([pdfPart()], { to, isoCode: 'USA' }), 400, 'CMN-101', 'isoCode')
    const raw = mixed({ to }, [pdfPart()])
    raw.body = Buffer.from(raw.body.toString('latin1').replace('{"to"', '{to'), 'latin1')
    await expectError(postRaw(alice, '/fax', raw), 400, 'MSG-349')
    await expectError(
      alice.post(`${EXT}/fax`, { originalMessageId: '999999' }),
      400,
      'CMN-102',
      'originalMessageId',
    )
  })

  test('company pager: recipients, text, replyOn', async () => {
    await expectError(pager({ text: 'x' }), 400, 'CMN-101', 'to')
    await expectError(
      pager({ to: [{ extensionNumber: '999' }], text: 'x' }),
      400,
      'CMN-102',
      'to.extensionNumber',
    )
    await expectError(pager({ to: [{ extensionId: '1' }], text: 'x' }), 400, 'CMN-102', 'to.extensionId')
    await expectError(pager({ to: [{ extensionNumber: '102' }] }), 400, 'CMN-101', 'text')
    await expectError(
      pager({ to: [{ extensionNumber: '102' }], text: 'x'.repeat(1025) }),
      400,
      'MSG-338',
      'text',
    )
    assert.equal((await pager({ to: [{ extensionNumber: '102' }], text: 'x'.repeat(1024) })).status, 200)
    await expectError(pager({ replyOn: 123456789, text: 'x' }), 400, 'CMN-102', 'replyOn')
    await expectError(pager({ replyOn: 'abc', text: 'x' }), 400, 'CMN-101', 'replyOn')
  })

  test('unparsable bodies are 400s, never 500s', async () => {
    const raw = (contentType: string, body: string) =>
      alice.post(`${EXT}/sms`, Buffer.from(body), undefined, { headers: { 'Content-Type': contentType } })
    await expectError(raw('application/json', '{"from":'), 400, 'CMN-103')
    await expectError(raw('multipart/form-data', '--x\r\n'), 400, 'CMN-104')
    await expectError(raw('multipart/mixed; boundary=x', 'garbage'), 400, 'CMN-104')
  })
})
