import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  APP,
  assertOAuthError,
  basic,
  login,
  MESSAGE_STORE,
  type Platform,
  startProvisioned,
  tokenRequest,
} from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer } from '../helpers/server.js'

// U+0000 has one rule on both databases (PostgreSQL cannot store it in text): in a
// lookup key it finds nothing, in text to be stored it is refused naming the field.

let server: RunningServer
let alice: Platform
let token: string

before(async () => {
  server = await startProvisioned()
  alice = await login(server.baseUrl, ALICE)
  token = (await alice.auth().data()).access_token!
})
after(async () => {
  await server.stop()
})

const EXT = '/restapi/v1.0/account/~/extension/~'

async function call(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

const asAlice = (method: string, path: string, body?: unknown, type = 'application/json') =>
  call(method, path, body, {
    authorization: `Bearer ${token}`,
    ...(body === undefined ? {} : { 'content-type': type }),
  })
const asAdmin = (method: string, path: string, body?: unknown, type = 'application/json') =>
  call(method, path, body, {
    authorization: `Bearer ${ADMIN_TOKEN}`,
    ...(body === undefined ? {} : { 'content-type': type }),
  })

function assertRefused(res: { status: number; body: any }, parameterName: string) {
  assert.equal(res.status, 400, JSON.stringify(res.body))
  assert.equal(res.body.errorCode, 'CMN-101', JSON.stringify(res.body))
  assert.equal(res.body.errors[0].parameterName, parameterName, JSON.stringify(res.body))
  assert.match(res.body.message, /U\+0000/)
}

function assertNotFound(res: { status: number; body: any }) {
  assert.equal(res.status, 404, JSON.stringify(res.body))
  assert.match(res.body.errorCode, /^CMN-10[12]$|^CMN-120$/, JSON.stringify(res.body))
  assert.ok(Array.isArray(res.body.errors))
}

function formData(parts: { head: string; body: string }[]): { body: string; type: string } {
  const boundary = 'nulboundary'
  const text = parts.map((p) => `--${boundary}\r\n${p.head}\r\n\r\n${p.body}\r\n`).join('')
  return { body: `${text}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` }
}

describe('a NUL in a lookup key finds nothing', () => {
  test('client_id of the token form, without credentials', async () => {
    const res = await tokenRequest(
      server.baseUrl,
      { grant_type: 'password', client_id: 'a\u0000b', username: ALICE.username, password: ALICE.password },
      { app: null },
    )
    assertOAuthError(res, 401, 'invalid_client')
  })

  test('client id in HTTP Basic credentials', async () => {
    const res = await tokenRequest(
      server.baseUrl,
      { grant_type: 'password', username: ALICE.username, password: ALICE.password },
      { authorization: basic('test\u0000client', APP.clientSecret) },
    )
    assertOAuthError(res, 401, 'invalid_client')
  })

  test('username, extension and password of the password grant', async () => {
    for (const form of <Record<string, string>[]>[
      { username: `${ALICE.username}\u0000`, password: ALICE.password },
      { username: ALICE.username, extension: '10\u00001', password: ALICE.password },
      { username: ALICE.username, extension: ALICE.extension, password: `${ALICE.password}\u0000` },
    ]) {
      const res = await tokenRequest(server.baseUrl, { grant_type: 'password', ...form })
      assertOAuthError(res, 400, 'invalid_grant')
    }
  })

  test('refresh token and revoked token', async () => {
    const refresh = await tokenRequest(server.baseUrl, {
      grant_type: 'refresh_token',
      refresh_token: 'x\u0000y',
    })
    assertOAuthError(refresh, 400, 'invalid_grant')
    const revoke = await tokenRequest(
      server.baseUrl,
      { token: 'x\u0000y' },
      { path: '/restapi/oauth/revoke' },
    )
    assert.ok(revoke.status === 200 || revoke.status === 400, JSON.stringify(revoke.body))
  })

  test('an id in a REST path', async () => {
    assertNotFound(await asAlice('GET', `${MESSAGE_STORE}/1%00`))
    assertNotFound(await asAlice('GET', '/restapi/v1.0/account/~/extension/62001%00/message-store'))
  })

  test('an account in an admin path', async () => {
    const res = await asAdmin('POST', '/admin/v1/accounts/1001%00/inbound', {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'hello',
    })
    assertNotFound(res)
    assertNotFound(await asAdmin('POST', '/admin/v1/accounts/1001%00/extensions/62001/jwt'))
  })
})

describe('a NUL in text to be stored is refused, naming the field', () => {
  test('SMS text, JSON', async () => {
    const res = await asAlice('POST', `${EXT}/sms`, {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: '+14155550123' }],
      text: 'a\u0000b',
    })
    assertRefused(res, 'text')
  })

  test('SMS text in the json part of a multipart body', async () => {
    const body = formData([
      {
        head: 'Content-Disposition: form-data; name="json"\r\nContent-Type: application/json',
        body: JSON.stringify({
          from: { phoneNumber: ALICE.username },
          to: [{ phoneNumber: '+14155550123' }],
          text: 'a\u0000b',
        }),
      },
    ])
    assertRefused(await asAlice('POST', `${EXT}/sms`, body.body, body.type), 'text')
  })

  test("a file's bytes may hold NUL, with or without a file name", async () => {
    for (const fileName of ['; filename="p.png"', '; filename=""']) {
      const body = formData([
        {
          head: 'Content-Disposition: form-data; name="json"\r\nContent-Type: application/json',
          body: JSON.stringify({
            from: { phoneNumber: ALICE.username },
            to: [{ phoneNumber: '+14155550123' }],
          }),
        },
        {
          head: `Content-Disposition: form-data; name="attachment"${fileName}\r\nContent-Type: image/png`,
          body: '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR',
        },
      ])
      const res = await asAlice('POST', `${EXT}/mms`, body.body, body.type)
      assert.equal(res.status, 200, JSON.stringify(res.body))
    }
  })

  test('pager text', async () => {
    const res = await asAlice('POST', `${EXT}/company-pager`, {
      from: { extensionNumber: '101' },
      to: [{ extensionNumber: '102' }],
      text: 'a\u0000b',
    })
    assertRefused(res, 'text')
  })

  test('a query parameter', async () => {
    const res = await asAlice('GET', `${MESSAGE_STORE}?conversationId=1%00`)
    assert.equal(res.status, 400, JSON.stringify(res.body))
    assert.equal(res.body.errors[0].parameterName, 'conversationId')
  })

  test('admin inbound text and file name, JSON', async () => {
    const text = await asAdmin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'a\u0000b',
    })
    assertRefused(text, 'text')
    const file = await asAdmin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'MMS',
      from: '+14155550123',
      to: [ALICE.username],
      attachments: [{ contentType: 'image/png', fileName: 'a\u0000.png', base64: 'aGVsbG8=' }],
    })
    assertRefused(file, 'attachments[0].fileName')
  })

  test('admin inbound text and file name, multipart', async () => {
    const envelope = { type: 'MMS', from: '+14155550123', to: [ALICE.username] }
    const textBody = formData([
      {
        head: 'Content-Disposition: form-data; name="json"',
        body: JSON.stringify({ ...envelope, text: 'a\u0000b' }),
      },
    ])
    assertRefused(
      await asAdmin('POST', '/admin/v1/accounts/1001/inbound', textBody.body, textBody.type),
      'text',
    )
    const fileBody = formData([
      { head: 'Content-Disposition: form-data; name="json"', body: JSON.stringify(envelope) },
      {
        head: `Content-Disposition: form-data; name="attachment"; filename*=UTF-8''a%00b.png\r\nContent-Type: image/png`,
        body: 'png bytes',
      },
    ])
    const res = await asAdmin('POST', '/admin/v1/accounts/1001/inbound', fileBody.body, fileBody.type)
    assertRefused(res, 'attachments[0].fileName')
  })

  test('a provisioning name', async () => {
    const res = await asAdmin('POST', '/admin/v1/provision', {
      accounts: [{ id: '3001', name: 'Nul\u0000Corp', mainNumber: '+18005550100', extensions: [] }],
    })
    assertRefused(res, 'accounts[0].name')
  })

  test('the store still serves after all of them', async () => {
    const res = await asAlice('GET', MESSAGE_STORE)
    assert.equal(res.status, 200, JSON.stringify(res.body))
  })
})
