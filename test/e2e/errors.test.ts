import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  basic,
  getJson,
  login,
  MESSAGE_STORE,
  type Platform,
  sdkError,
  startProvisioned,
} from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer } from '../helpers/server.js'

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

/** RingCentral's error body: errorCode, message and an errors array that repeats them. */
function assertErrorBody(body: any, errorCode: string, parameterName?: string) {
  assert.equal(body.errorCode, errorCode, JSON.stringify(body))
  assert.equal(typeof body.message, 'string')
  assert.ok(body.message.length > 0)
  assert.ok(Array.isArray(body.errors) && body.errors.length >= 1)
  assert.equal(body.errors[0].errorCode, errorCode)
  assert.equal(typeof body.errors[0].message, 'string')
  if (parameterName !== undefined) {
    assert.equal(body.errors[0].parameterName, parameterName)
    assert.match(body.message, new RegExp(`\\[${parameterName.replace(/[[\]]/g, '\\$&')}\\]`))
  }
}

async function invalidParam(query: Record<string, unknown>, parameterName: string) {
  const res = await sdkError(alice.get(MESSAGE_STORE, query))
  assert.equal(res.status, 400, `${JSON.stringify(query)}: ${JSON.stringify(res.body)}`)
  assertErrorBody(res.body, 'CMN-101', parameterName)
}

describe('unknown routes and methods', () => {
  test('an unknown URI under /restapi is 404 CMN-120, with the whole body', async () => {
    const res = await sdkError(alice.get('/restapi/v1.0/account/~/extension/~/no-such-thing'))
    assert.equal(res.status, 404)
    assert.deepEqual(res.body, {
      errorCode: 'CMN-120',
      message: 'Invalid URI',
      errors: [{ errorCode: 'CMN-120', message: 'Invalid URI' }],
    })
  })

  test('an unknown URI is 404 CMN-120 without a token too', async () => {
    for (const path of ['/restapi/v2.0/account/~', '/restapi/v1.0/nothing', '/']) {
      const res = await getJson(`${server.baseUrl}${path}`)
      assert.equal(res.status, 404, path)
      assertErrorBody(res.body, 'CMN-120')
    }
  })

  test('a method the resource does not have is a 4xx with CMN-120', async () => {
    for (const method of ['POST', 'PUT']) {
      const res = await fetch(`${server.baseUrl}${MESSAGE_STORE}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      })
      assert.ok(res.status === 404 || res.status === 405, `${method}: ${res.status}`)
      assertErrorBody(await res.json(), 'CMN-120')
    }
    const res = await getJson(`${server.baseUrl}/restapi/oauth/token`)
    assert.ok(res.status === 404 || res.status === 405, `GET token: ${res.status}`)
  })
})

describe('authentication errors', () => {
  test('no token is 401', async () => {
    const res = await getJson(`${server.baseUrl}${MESSAGE_STORE}`)
    assert.equal(res.status, 401)
    assertErrorBody(res.body, res.body.errorCode)
  })

  test('an unknown token is 401 OAU-149', async () => {
    const res = await getJson(`${server.baseUrl}${MESSAGE_STORE}`, 'not-a-token')
    assert.equal(res.status, 401)
    assertErrorBody(res.body, 'OAU-149')
  })

  test('a malformed Authorization header is 401', async () => {
    for (const authorization of ['Bearer', 'Token abc', 'Bearer a b']) {
      const res = await getJson(`${server.baseUrl}${MESSAGE_STORE}`, undefined, { authorization })
      assert.equal(res.status, 401, authorization)
    }
  })
})

describe('invalid listing parameters: 400 CMN-101 naming the parameter', () => {
  test('unknown enum values', async () => {
    await invalidParam({ messageType: ['Bogus'] }, 'messageType')
    await invalidParam({ messageType: ['SMS', 'Bogus'] }, 'messageType')
    await invalidParam({ messageType: 'sms' }, 'messageType')
    await invalidParam({ direction: 'Sideways' }, 'direction')
    await invalidParam({ readStatus: 'Maybe' }, 'readStatus')
    await invalidParam({ availability: 'Gone' }, 'availability')
  })

  test('unparsable dates', async () => {
    await invalidParam({ dateFrom: 'yesterday' }, 'dateFrom')
    await invalidParam({ dateTo: '2021-02-30T00:00:00Z' }, 'dateTo')
    await invalidParam({ dateFrom: '2021-13-01T00:00:00Z' }, 'dateFrom')
    await invalidParam({ dateTo: '1700000000000' }, 'dateTo')
  })

  test('page and perPage that are not positive integers', async () => {
    for (const bad of ['0', '-1', 'abc', '1.5', '', '1e3']) {
      await invalidParam({ page: bad }, 'page')
      await invalidParam({ perPage: bad }, 'perPage')
    }
    await invalidParam({ page: ['1', '2'] }, 'page')
  })

  test('other parameters', async () => {
    await invalidParam({ conversationId: 'abc' }, 'conversationId')
    await invalidParam({ distinctConversations: 'maybe' }, 'distinctConversations')
    await invalidParam({ phoneNumber: 'call me' }, 'phoneNumber')
  })

  test('the whole body of an invalid parameter', async () => {
    const res = await sdkError(alice.get(MESSAGE_STORE, { direction: 'Up' }))
    assert.equal(res.body.errors.length, 1)
    assert.equal(res.body.errors[0].message, res.body.message)
    assert.equal(res.body.parameterName, 'direction')
  })
})

describe('malformed requests never produce a 500', () => {
  test('a URL that cannot be decoded is 400 CMN-104', async () => {
    const res = await getJson(
      `${server.baseUrl}/restapi/v1.0/account/%E0%A4%A/extension/~/message-store`,
      token,
    )
    assert.equal(res.status, 400)
    assertErrorBody(res.body, 'CMN-104')
  })

  test('client credentials with a broken escape are invalid_client', async () => {
    const res = await fetch(`${server.baseUrl}/restapi/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('bad%zz:secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password',
    })
    assert.equal(res.status, 401)
    assert.equal((await res.json()).error, 'invalid_client')
  })

  test('token requests without a form body answer OAuth errors', async () => {
    const auth = basic('test-client', 'test-secret')
    const bodies: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      ['text/plain', 'grant_type=password'],
      ['application/x-www-form-urlencoded', 'grant_type=password&grant_type=password'],
    ]
    for (const [type, body] of bodies) {
      const res = await fetch(`${server.baseUrl}/restapi/oauth/token`, {
        method: 'POST',
        headers: { authorization: auth, ...(type ? { 'content-type': type } : {}) },
        body,
      })
      assert.equal(res.status, 400, `${type}`)
      assert.equal((await res.json()).error, 'invalid_request')
    }
  })

  test('odd ids and huge numbers', async () => {
    const paths = [
      `${MESSAGE_STORE}/,,,`,
      `${MESSAGE_STORE}/${'9'.repeat(40)}`,
      `/restapi/v1.0/account/~/extension/${'9'.repeat(40)}/message-store`,
      `/restapi/v1.0/account/${'9'.repeat(40)}/extension/~/message-store`,
      `${MESSAGE_STORE}?page=999999999&perPage=999999999`,
      `${MESSAGE_STORE}?dateFrom=0001-01-01T00:00:00Z&dateTo=9999-12-31T23:59:59.999Z`,
    ]
    for (const path of paths) {
      const res = await getJson(`${server.baseUrl}${path}`, token)
      assert.ok(res.status < 500, `${path}: ${res.status}`)
    }
  })
})

describe('admin API errors use the same body', () => {
  const admin = (path: string, init: RequestInit) =>
    fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string>) },
    })

  test('bad JSON is 400 CMN-103', async () => {
    for (const path of ['/admin/v1/provision', '/admin/v1/accounts/1001/inbound']) {
      for (const body of ['{', '{"type": "SMS",}', '']) {
        const res = await admin(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`)
        assertErrorBody(await res.json(), 'CMN-103')
      }
    }
  })

  test('a broken multipart body is a 400', async () => {
    const bodies = [
      ['multipart/form-data; boundary=X', 'garbage'],
      [
        'multipart/form-data; boundary=X',
        '--X\r\nContent-Disposition: form-data; name="json"\r\n\r\n{"type":"SMS"',
      ],
      ['multipart/form-data', 'no boundary'],
    ]
    for (const [type, body] of bodies) {
      const res = await admin('/admin/v1/accounts/1001/inbound', {
        method: 'POST',
        headers: { 'content-type': type! },
        body,
      })
      assert.equal(res.status, 400, `${type} ${body}`)
      assertErrorBody(await res.json(), 'CMN-104')
    }
  })

  test('an unknown admin URI is 404 CMN-120', async () => {
    const res = await admin('/admin/v1/nothing', { method: 'GET' })
    assert.equal(res.status, 404)
    assertErrorBody(await res.json(), 'CMN-120')
  })
})
