import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { rawRequest } from '../helpers/raw-http.js'
import { ALICE, deliverOne, login, MESSAGE_STORE, type Platform, startProvisioned } from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer } from '../helpers/server.js'

// What the HTTP layer refuses before or around our handlers answers like every other
// error: RingCentral's shape on the REST and admin APIs, RFC 6749's on OAuth.

let server: RunningServer
let alice: Platform
let token: string
let host: string

before(async () => {
  server = await startProvisioned()
  alice = await login(server.baseUrl, ALICE)
  token = (await alice.auth().data()).access_token!
  host = new URL(server.baseUrl).host
})
after(async () => {
  await server.stop()
})

const EXT = '/restapi/v1.0/account/~/extension/~'

function assertRingCentral(body: any, status: number, context: string) {
  assert.ok(body && typeof body === 'object', `${context}: no JSON body`)
  assert.match(String(body.errorCode), /^[A-Z]{3}-\d{3}$/, `${context}: ${JSON.stringify(body)}`)
  assert.equal(typeof body.message, 'string', context)
  assert.ok(Array.isArray(body.errors) && body.errors[0].errorCode === body.errorCode, context)
  assert.ok(status >= 400 && status < 500, `${context}: status ${status}`)
}

function assertOAuthShape(body: any, context: string) {
  assert.equal(typeof body?.error, 'string', `${context}: ${JSON.stringify(body)}`)
  assert.equal(typeof body.error_description, 'string', context)
  assert.ok(Array.isArray(body.errors) && typeof body.errors[0].errorCode === 'string', context)
}

async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers, body })
  const text = await res.text()
  let json: any
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, body: json, text }
}

const bearer = () => ({ authorization: `Bearer ${token}` })

describe('a failure inside body parsing is the client’s', () => {
  const badFilenamePart = (boundary: string, disposition: string) =>
    `--${boundary}\r\n${disposition}; filename*=UTF-8''%FF\r\nContent-Type: application/json\r\n\r\n{}\r\n--${boundary}--\r\n`

  test('a malformed filename* on every send route answers 400', async () => {
    for (const route of ['sms', 'mms', 'fax', 'company-pager']) {
      for (const type of ['multipart/form-data', 'multipart/mixed']) {
        const body = badFilenamePart('b0undary', 'Content-Disposition: form-data; name="json"')
        const res = await send('POST', `${EXT}/${route}`, body, {
          ...bearer(),
          'content-type': `${type}; boundary=b0undary`,
        })
        assert.equal(res.status, 400, `${route} ${type}: ${res.text}`)
        assertRingCentral(res.body, res.status, `${route} ${type}`)
      }
    }
  })

  test('a malformed filename* in a bulk body answers 400', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const body = badFilenamePart('b0undary', 'Content-Disposition: form-data; name="json"')
      const res = await send(method, `${MESSAGE_STORE}/1,2`, body, {
        ...bearer(),
        'content-type': 'multipart/mixed; boundary=b0undary',
      })
      assert.equal(res.status, 400, `${method}: ${res.text}`)
      assertRingCentral(res.body, res.status, method)
    }
  })
})

describe('requests the HTTP parser refuses', () => {
  const cases: [string, string, number][] = [
    ['an unknown method', `FOO ${MESSAGE_STORE} HTTP/1.1\r\nHost: H\r\n\r\n`, 400],
    ['a raw NUL in the URL', `GET /restapi/v1.0/a\u0000b HTTP/1.1\r\nHost: H\r\n\r\n`, 400],
    ['a raw non-ASCII byte in the URL', `GET /restapi/v1.0/\u00e9 HTTP/1.1\r\nHost: H\r\n\r\n`, 400],
    [
      'a Content-Length that is not a number',
      `POST ${EXT}/sms HTTP/1.1\r\nHost: H\r\nContent-Length: abc\r\n\r\n`,
      400,
    ],
    [
      'two different Content-Lengths',
      `POST ${EXT}/sms HTTP/1.1\r\nHost: H\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc`,
      400,
    ],
    [
      'Content-Length with Transfer-Encoding',
      `POST ${EXT}/sms HTTP/1.1\r\nHost: H\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
      400,
    ],
    [
      'a broken chunked body',
      `POST ${EXT}/sms HTTP/1.1\r\nHost: H\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`,
      400,
    ],
    [
      'headers over 16 KB',
      `GET /restapi/v1.0 HTTP/1.1\r\nHost: H\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
      431,
    ],
    ['an unknown expectation', 'GET /restapi/v1.0 HTTP/1.1\r\nHost: H\r\nExpect: garbage\r\n\r\n', 417],
  ]
  for (const [name, request, status] of cases) {
    test(`${name}: ${status} in RingCentral's shape`, async () => {
      const res = await rawRequest(
        server.baseUrl,
        Buffer.from(request.replace('Host: H', `Host: ${host}`), 'latin1'),
      )
      assert.equal(res.status, status, res.raw)
      assertRingCentral(res.json, res.status, name)
    })
  }

  test('refused bytes of a token request answer in RFC 6749 shape', async () => {
    const res = await rawRequest(
      server.baseUrl,
      `POST /restapi/oauth/token HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc`,
    )
    assert.equal(res.status, 400, res.raw)
    assertOAuthShape(res.json, 'duplicate Content-Length on token')
  })

  test('the server still answers after them', async () => {
    const res = await send('GET', '/restapi/v1.0', undefined, {})
    assert.equal(res.status, 200)
  })
})

describe('Expect', () => {
  test('an empty Expect header is ignored', async () => {
    const body = JSON.stringify({
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: '+14155550123' }],
      text: 'hi',
    })
    const res = await rawRequest(
      server.baseUrl,
      `POST ${EXT}/sms HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        `Expect:\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
    assert.equal(res.status, 200, res.raw)
    assert.equal(res.json.subject, 'hi')
  })

  test('100-continue still works', async () => {
    const body = JSON.stringify({
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: '+14155550123' }],
      text: 'go',
    })
    const res = await rawRequest(
      server.baseUrl,
      `POST ${EXT}/sms HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
        `Expect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
      { afterContinue: body },
    )
    assert.match(res.raw, /^HTTP\/1\.1 100 Continue\r\n/)
    assert.equal(res.status, 200, res.raw)
    assert.equal(res.json.subject, 'go')
  })
})

describe('OAuth answers RFC 6749 bodies for every failure', () => {
  test('unparsable JSON', async () => {
    const res = await send('POST', '/restapi/oauth/token', '{"grant_type":', {
      'content-type': 'application/json',
    })
    assert.equal(res.status, 400, res.text)
    assertOAuthShape(res.body, 'bad JSON')
  })

  test('an unsupported content type, named in the message', async () => {
    const res = await send('POST', '/restapi/oauth/token', 'grant_type=password', {
      'content-type': 'text/x-mine',
    })
    assert.equal(res.status, 415, res.text)
    assertOAuthShape(res.body, 'text/x-mine')
    assert.match(res.body.error_description, /text\/x-mine/)
  })

  test('a body over the limit on revoke', async () => {
    // Its length alone is refused: the body need not be sent.
    const res = await rawRequest(
      server.baseUrl,
      `POST /restapi/oauth/revoke HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${51 * 1024 * 1024}\r\nConnection: close\r\n\r\ntoken=`,
    )
    assert.equal(res.status, 413, res.raw)
    assertOAuthShape(res.json, 'too large')
  })
})

describe('content types, routes and methods', () => {
  test("CMN-104 names the request's content type", async () => {
    const res = await send('POST', `${EXT}/sms`, 'hello', {
      ...bearer(),
      'content-type': 'text/x-mine; charset=utf-8',
    })
    assert.equal(res.status, 415, res.text)
    assertRingCentral(res.body, res.status, 'sms text/x-mine')
    assert.equal(res.body.errorCode, 'CMN-104')
    assert.match(res.body.message, /text\/x-mine/)
  })

  test('an unimplemented endpoint with a JSON type and an empty body is 404 CMN-120', async () => {
    for (const path of ['/restapi/oauth/authorize', '/restapi/v1.0/account/~/extension/~/call-log']) {
      const res = await send('POST', path, '', { ...bearer(), 'content-type': 'application/json' })
      assert.equal(res.status, 404, `${path}: ${res.text}`)
      assert.equal(res.body.errorCode, 'CMN-120')
    }
  })

  test('a wrong method on a known route is 405 with Allow', async () => {
    const token405 = await send('GET', '/restapi/oauth/token', undefined, {})
    assert.equal(token405.status, 405, token405.text)
    assert.equal(token405.headers.get('allow'), 'POST')
    assertRingCentral(token405.body, 405, 'GET token')
    const list = await send('POST', MESSAGE_STORE, '{}', { ...bearer(), 'content-type': 'application/json' })
    assert.equal(list.status, 405, list.text)
    const allow = (list.headers.get('allow') ?? '').split(', ')
    assert.ok(allow.includes('GET') && allow.includes('DELETE'), `Allow: ${allow}`)
    assertRingCentral(list.body, 405, 'POST list')
  })
})

describe('request bodies', () => {
  test('PUT of one message with an array body is 400, not a bulk answer', async () => {
    const id = await deliverOne(server, {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'x',
    })
    const res = await send('PUT', `${MESSAGE_STORE}/${id}`, JSON.stringify([{ readStatus: 'Read' }]), {
      ...bearer(),
      'content-type': 'application/json',
    })
    assert.equal(res.status, 400, res.text)
    assertRingCentral(res.body, 400, 'PUT array')
  })

  test('admin inbound takes a json part sent with Content-Type: application/json', async () => {
    const form = new FormData()
    const envelope = { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: 'typed json part' }
    form.append('json', new Blob([JSON.stringify(envelope)], { type: 'application/json' }))
    // A Blob part gets a file name from FormData; curl's `-F 'json=…;type=application/json'` sends none.
    const boundary = 'typedjson'
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: application/json\r\n\r\n` +
      `${JSON.stringify(envelope)}\r\n--${boundary}--\r\n`
    const res = await send('POST', '/admin/v1/accounts/1001/inbound', body, {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    })
    assert.equal(res.status, 201, res.text)
    const fileForm = await fetch(`${server.baseUrl}/admin/v1/accounts/1001/inbound`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: form,
    })
    assert.equal(fileForm.status, 201, await fileForm.text())
  })
})
