import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  getJson,
  login,
  MESSAGE_STORE,
  OLGA,
  type Platform,
  passwordToken,
  startProvisioned,
} from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer, STANDARD_FILE } from '../helpers/server.js'

const OUTSIDE = '+14155550123'

// The system clock: the clock calls answer 409 here (see clock.test.ts for the manual one).
let server: RunningServer
let alice: Platform

before(async () => {
  server = await startProvisioned()
  alice = await login(server.baseUrl, ALICE)
})
after(async () => {
  await server.stop()
})

async function adminCall(method: string, path: string, authorization?: string, body?: unknown) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

describe('admin authentication', () => {
  const calls: [string, string, unknown?][] = [
    ['POST', '/admin/v1/provision', { apps: [] }],
    ['POST', `/admin/v1/accounts/1001/extensions/${ALICE.id}/jwt`],
    [
      'POST',
      '/admin/v1/accounts/1001/inbound',
      { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'x' },
    ],
    ['GET', '/admin/v1/clock'],
  ]

  test('no token, a wrong token, or an app access token: 401 with an error body', async () => {
    const appToken = (await passwordToken(server.baseUrl, ALICE)).access_token
    for (const [method, path, body] of calls) {
      for (const authorization of [
        undefined,
        'Bearer wrong-token',
        `Bearer ${appToken}`,
        `Basic ${ADMIN_TOKEN}`,
      ]) {
        const res = await adminCall(method, path, authorization, body)
        assert.equal(res.status, 401, `${method} ${path} with ${authorization}`)
        assert.equal(typeof res.body.errorCode, 'string')
        assert.equal(res.body.errors[0].errorCode, res.body.errorCode)
      }
    }
    // Nothing above was delivered.
    const list = await (await alice.get(MESSAGE_STORE)).json()
    assert.deepEqual(list.records, [])
  })

  test('the admin token is accepted with either case of the scheme', async () => {
    assert.equal((await adminCall('GET', '/admin/v1/clock', `bearer ${ADMIN_TOKEN}`)).status, 200)
  })

  test('the REST API never accepts the admin token', async () => {
    const res = await getJson(`${server.baseUrl}${MESSAGE_STORE}`, ADMIN_TOKEN)
    assert.equal(res.status, 401)
    const query = await getJson(`${server.baseUrl}${MESSAGE_STORE}?access_token=${ADMIN_TOKEN}`)
    assert.equal(query.status, 401)
  })
})

describe('provision', () => {
  test('answers the accounts, extensions and apps with their ids', async () => {
    const file = {
      accounts: [
        {
          name: 'Fresh Co',
          mainNumber: '+13035550100',
          extensions: [
            { extensionNumber: '101', name: 'Fay', password: 'fay-secret', phoneNumbers: ['+13035550101'] },
            { extensionNumber: '300', name: 'Support', type: 'Department', members: ['101'] },
          ],
        },
      ],
      apps: [{ clientId: 'fresh-client', clientSecret: 'fresh-secret' }],
    }
    const first = await server.admin('POST', '/admin/v1/provision', file)
    assert.equal(first.status, 200, JSON.stringify(first.body))
    const account = first.body.accounts[0]
    assert.match(account.id, /^\d+$/)
    assert.deepEqual(first.body, {
      accounts: [
        {
          id: account.id,
          name: 'Fresh Co',
          extensions: [
            { id: account.extensions[0].id, extensionNumber: '101', type: 'User' },
            { id: account.extensions[1].id, extensionNumber: '300', type: 'Department' },
          ],
        },
      ],
      apps: [{ clientId: 'fresh-client' }],
    })
    for (const e of account.extensions) assert.match(e.id, /^\d+$/)

    // Applying it again changes nothing: the same ids, and the password still works.
    const second = await server.admin('POST', '/admin/v1/provision', file)
    assert.equal(second.status, 200)
    assert.deepEqual(second.body, first.body)
    const fay = await login(
      server.baseUrl,
      { username: '+13035550101', password: 'fay-secret' },
      {
        clientId: 'fresh-client',
        clientSecret: 'fresh-secret',
      },
    )
    const info = await fay.auth().data()
    assert.equal(info.owner_id, account.extensions[0].id)
  })

  test('re-applying the standard file keeps tokens, messages and passwords', async () => {
    const bob = await login(server.baseUrl, BOB)
    const delivered = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [BOB.username],
      text: 'still here',
    })
    assert.equal((await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
    const list = await (await bob.get(MESSAGE_STORE)).json()
    assert.deepEqual(
      list.records.map((r: { id: number }) => r.id),
      [delivered.body.messages[0].id],
    )
    await login(server.baseUrl, BOB)
  })

  test('a bad file is a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [
        {
          accounts: [
            {
              name: 'X',
              extensions: [
                { extensionNumber: '1', name: 'A' },
                { extensionNumber: '2', name: 'B', role: 'King' },
              ],
            },
          ],
        },
        'accounts[0].extensions[1].role',
      ],
      [
        {
          accounts: [{ name: 'X', extensions: [{ extensionNumber: '1', name: 'A', phoneNumbers: ['555'] }] }],
        },
        'accounts[0].extensions[0].phoneNumbers[0]',
      ],
      [{ accounts: [{ name: 'X', colour: 'red' }] }, 'accounts[0].colour'],
      [
        { apps: [{ clientId: 'a', clientSecret: 'b', permissions: ['Everything'] }] },
        'apps[0].permissions[0]',
      ],
      [{ apps: [{ clientId: 'a' }] }, 'apps[0].clientSecret'],
    ]
    for (const [file, field] of cases) {
      const res = await server.admin('POST', '/admin/v1/provision', file)
      assert.equal(res.status, 400, field)
      assert.equal(res.body.errorCode, 'CMN-101')
      assert.ok(res.body.message.includes(field), `${res.body.message} should name ${field}`)
      assert.equal(res.body.errors[0].parameterName, field)
    }
  })

  test('nothing of a rejected file is applied', async () => {
    const file = {
      accounts: [
        {
          id: '3001',
          name: 'Half Co',
          mainNumber: '+13125550100',
          extensions: [
            { extensionNumber: '101', name: 'Hal', password: 'hal-secret', phoneNumbers: ['+13125550101'] },
          ],
        },
        {
          id: '3002',
          name: 'Clash Co',
          // Bob's number, already owned in the store: only the store can tell.
          extensions: [
            { extensionNumber: '101', name: 'Cy', password: 'cy-secret', phoneNumbers: [BOB.username] },
          ],
        },
      ],
      apps: [{ clientId: 'half-client', clientSecret: 'half-secret' }],
    }
    const res = await server.admin('POST', '/admin/v1/provision', file)
    assert.equal(res.status, 400)
    assert.equal(res.body.errors[0].parameterName, 'accounts[1].extensions[0].phoneNumbers[0]')
    const hal = await fetch(`${server.baseUrl}/restapi/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('test-client:test-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'password', username: '+13125550101', password: 'hal-secret' }),
    })
    assert.equal(hal.status, 400)
    assert.equal((await hal.json()).error, 'invalid_grant')
    const app = await fetch(`${server.baseUrl}/restapi/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('half-client:half-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'password',
        username: `${ALICE.username}*101`,
        password: ALICE.password,
      }),
    })
    assert.equal(app.status, 401)
    // Bob still owns his number.
    const inbound = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [BOB.username],
      text: 'mine',
    })
    assert.equal(inbound.body.messages[0].extensionId, BOB.id)
  })
})

describe('jwt', () => {
  test('answers { jwt }', async () => {
    const res = await server.admin('POST', `/admin/v1/accounts/1001/extensions/${BOB.id}/jwt`)
    assert.equal(res.status, 200)
    assert.deepEqual(Object.keys(res.body), ['jwt'])
  })

  test('an unknown account or extension is 404', async () => {
    for (const path of [
      '/admin/v1/accounts/9999/extensions/62001/jwt',
      '/admin/v1/accounts/1001/extensions/99999/jwt',
    ]) {
      const res = await server.admin('POST', path)
      assert.equal(res.status, 404, path)
      assert.equal(res.body.errorCode, 'CMN-102')
    }
    const otherAccount = await server.admin('POST', `/admin/v1/accounts/1001/extensions/${OLGA.id}/jwt`)
    assert.equal(otherAccount.status, 404)
  })
})

describe('clock with the system clock', () => {
  test('GET answers the system time', async () => {
    const before = Date.now()
    const res = await server.admin('GET', '/admin/v1/clock')
    assert.equal(res.status, 200)
    assert.equal(res.body.mode, 'system')
    const now = Date.parse(res.body.now)
    assert.ok(now >= before && now <= Date.now())
  })

  test('moving it is 409', async () => {
    for (const body of [{ advance: 'PT1H' }, { set: '2099-01-01T00:00:00Z' }]) {
      const res = await server.admin('POST', '/admin/v1/clock', body)
      assert.equal(res.status, 409)
      assert.equal(typeof res.body.errorCode, 'string')
    }
  })
})
