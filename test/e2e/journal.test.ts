import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, APP, login, MESSAGE_STORE, type Platform, startProvisioned } from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer, STANDARD_FILE, startServer } from '../helpers/server.js'

let server: RunningServer
let alice: Platform

before(async () => {
  server = await startProvisioned({ args: ['--journal-size', '20'] })
  alice = await login(server.baseUrl, ALICE)
})
after(() => server.stop())

const journal = async (query = '') => {
  const res = await server.admin('GET', `/admin/v1/requests${query}`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.requests as any[]
}

describe('request journal', () => {
  test('records the login and a send with every secret masked', async () => {
    await alice.post('/restapi/v1.0/account/~/extension/~/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: '+16505550102' }],
      text: 'journal me',
    })
    const token = (await alice.auth().data()).access_token as string
    const refreshToken = (await alice.auth().data()).refresh_token as string
    // access_token as a query parameter, as some clients send it.
    await fetch(`${server.baseUrl}${MESSAGE_STORE}?access_token=${token}&perPage=5`)
    const all = await journal()
    const whole = JSON.stringify(all)
    for (const secret of [token, refreshToken, ALICE.password, APP.clientSecret, ADMIN_TOKEN]) {
      assert.ok(!whole.includes(secret), `a secret leaked: ${secret.slice(0, 6)}…`)
    }
    const login = all.find((r) => r.path === '/restapi/oauth/token')
    assert.ok(login, 'the login is recorded')
    assert.equal(login.method, 'POST')
    assert.equal(login.status, 200)
    assert.equal(login.clientId, APP.clientId)
    assert.equal(login.requestHeaders.authorization, '***')
    assert.match(login.requestBody, /password=\*\*\*/)
    assert.match(login.responseBody, /"access_token":"\*\*\*"/)
    assert.match(login.responseBody, /"refresh_token":"\*\*\*"/)

    const [send] = await journal('?method=POST&path=/restapi/v1.0/account/~/extension/~/sms')
    assert.equal(send.status, 200)
    assert.equal(send.clientId, APP.clientId)
    assert.equal(send.accountId, '1001')
    assert.equal(send.extensionId, ALICE.id)
    assert.equal(send.requestHeaders.authorization, '***')
    assert.equal(JSON.parse(send.requestBody).text, 'journal me')
    assert.equal(JSON.parse(send.responseBody).subject, 'journal me')
    assert.equal(typeof send.durationMs, 'number')
    assert.ok(!Number.isNaN(Date.parse(send.time)))

    const [byQuery] = await journal('?path=/restapi/v1.0/account/~/extension/~/message-store')
    assert.deepEqual(byQuery.query, { access_token: '***', perPage: '5' })
  })

  test('newest first, filters by status and since, limit, size bound, and DELETE', async () => {
    for (let i = 0; i < 25; i++) await alice.get(MESSAGE_STORE, { perPage: i + 1 })
    const all = await journal()
    assert.equal(all.length, 20, 'the journal keeps --journal-size requests')
    assert.ok(
      all.every((r, i) => i === 0 || r.id < all[i - 1].id),
      'newest first',
    )
    assert.equal(all[0].query.perPage, '25')
    assert.equal((await journal('?limit=3')).length, 3)
    await fetch(`${server.baseUrl}${MESSAGE_STORE}`, { headers: { authorization: 'Bearer nope' } })
    const unauthorized = await journal('?status=401')
    assert.equal(unauthorized.length, 1)
    assert.equal(JSON.parse(unauthorized[0].responseBody).errorCode, 'OAU-149')
    assert.deepEqual(await journal('?since=2999-01-01T00:00:00Z'), [])
    assert.equal((await server.admin('GET', '/admin/v1/requests?status=abc')).status, 400)
    assert.equal((await server.admin('DELETE', '/admin/v1/requests')).status, 200)
    assert.deepEqual(await journal(), [])
  })

  test('bodies are cut at 64 KB', async () => {
    const text = 'y'.repeat(1000)
    // A JSON body over 64 KB (refused by the route, recorded all the same).
    await alice
      .post('/restapi/v1.0/account/~/extension/~/sms', {
        from: { phoneNumber: ALICE.username },
        to: Array.from({ length: 80 }, () => ({ phoneNumber: '+16505550102' })),
        text,
        padding: 'z'.repeat(70 * 1024),
      })
      .catch(() => undefined)
    const [entry] = await journal('?method=POST')
    assert.equal(Buffer.byteLength(entry.requestBody), 64 * 1024)
  })
})

describe('a journal of size 0', () => {
  test('records nothing', async () => {
    const quiet = await startServer({ args: ['--journal-size', '0'] })
    try {
      await quiet.admin('POST', '/admin/v1/provision', STANDARD_FILE)
      await login(quiet.baseUrl, ALICE)
      const res = await quiet.admin('GET', '/admin/v1/requests')
      assert.deepEqual(res.body.requests, [])
    } finally {
      await quiet.stop()
    }
  })
})
