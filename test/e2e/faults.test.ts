import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  APP,
  getJson,
  login,
  MESSAGE_STORE,
  type Platform,
  passwordToken,
  sdkError,
  startProvisioned,
  tokenRequest,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

let server: RunningServer
let alice: Platform

before(async () => {
  server = await startProvisioned()
  alice = await login(server.baseUrl, ALICE)
})
after(() => server.stop())

async function addRule(rule: Record<string, unknown>): Promise<any> {
  const res = await server.admin('POST', '/admin/v1/faults', rule)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

describe('fault rules', () => {
  test('a 503 with times 1: the SDK call fails once with RingCentral’s body and Retry-After, the retry succeeds', async () => {
    const rule = await addRule({
      method: 'GET',
      path: '/restapi/v1.0/account/~/extension/~/message-store',
      status: 503,
      errorCode: 'CMN-211',
      message: 'Service is temporarily unavailable',
      retryAfter: 5,
      times: 1,
    })
    assert.equal(typeof rule.id, 'string')
    assert.equal(rule.remaining, 1)
    let failure: any
    try {
      await alice.get(MESSAGE_STORE)
    } catch (e) {
      failure = e
    }
    assert.ok(failure?.response, 'the first call fails')
    assert.equal(failure.response.status, 503)
    assert.equal(failure.response.headers.get('retry-after'), '5')
    const body = await failure.response.json()
    assert.equal(body.errorCode, 'CMN-211')
    assert.equal(body.message, 'Service is temporarily unavailable')
    assert.equal(body.errors[0].errorCode, 'CMN-211')
    // The application's retry goes through; the rule is spent.
    const retried = await alice.get(MESSAGE_STORE)
    assert.equal(retried.status, 200)
    const listed = (await server.admin('GET', '/admin/v1/faults')).body.faults.find(
      (f: any) => f.id === rule.id,
    )
    assert.equal(listed.remaining, 0)
  })

  test('`~` matches an id and `*` one segment; the method must match', async () => {
    await addRule({ method: 'POST', path: '/restapi/v1.0/account/*/extension/~/message-store', status: 500 })
    // GET is not caught, whatever the path spells.
    const token = (await passwordToken(server.baseUrl, ALICE)).access_token
    assert.equal(
      (await getJson(`${server.baseUrl}/restapi/v1.0/account/1001/extension/62001/message-store`, token))
        .status,
      200,
    )
    await server.admin('DELETE', '/admin/v1/faults')
    await addRule({ path: '/restapi/v1.0/account/*/extension/~/message-store', status: 500 })
    for (const path of [
      '/restapi/v1.0/account/~/extension/~/message-store',
      '/restapi/v1.0/account/1001/extension/62001/message-store',
    ]) {
      const res = await getJson(`${server.baseUrl}${path}`, token)
      assert.equal(res.status, 500, path)
      assert.equal(res.body.errorCode, 'CMN-203')
    }
    // `~` stands for an id, not for any word.
    assert.equal(
      (await getJson(`${server.baseUrl}/restapi/v1.0/account/~/extension/abc/message-store`, token))
        .status !== 500,
      true,
    )
    assert.equal((await server.admin('DELETE', '/admin/v1/faults')).status, 200)
    assert.equal((await getJson(`${server.baseUrl}${MESSAGE_STORE}`, token)).status, 200)
  })

  test('drop: the SDK sees a network error, not an answer', async () => {
    const rule = await addRule({ path: MESSAGE_STORE, drop: true, times: 1 })
    const failure = await alice.get(MESSAGE_STORE).then(
      () => undefined,
      (e) => e,
    )
    assert.ok(failure instanceof Error, 'the call fails')
    assert.ok(!(failure as { response?: Response | null }).response, 'with no HTTP answer')
    assert.equal((await alice.get(MESSAGE_STORE)).status, 200)
    assert.equal((await server.admin('DELETE', `/admin/v1/faults/${rule.id}`)).status, 204)
    assert.equal((await server.admin('DELETE', `/admin/v1/faults/${rule.id}`)).status, 404)
  })

  test('delayMs without a status delays the request, which then succeeds', async () => {
    await addRule({ path: MESSAGE_STORE, delayMs: 300, times: 1 })
    const started = performance.now()
    assert.equal((await alice.get(MESSAGE_STORE)).status, 200)
    // A delay is a lower bound, which a loaded machine cannot shorten.
    assert.ok(performance.now() - started >= 300)
  })

  test('the OAuth endpoints take faults too', async () => {
    await addRule({ method: 'POST', path: '/restapi/oauth/token', status: 503, times: 1 })
    const form = { grant_type: 'password', username: `${ALICE.username}*101`, password: ALICE.password }
    const failed = await tokenRequest(server.baseUrl, form, { app: APP })
    assert.equal(failed.status, 503)
    // The OAuth endpoints answer in RFC 6749's shape, with RingCentral's code in `errors`.
    assert.equal(typeof failed.body.error, 'string')
    assert.equal(failed.body.errors[0].errorCode, 'CMN-201')
    assert.equal((await tokenRequest(server.baseUrl, form, { app: APP })).status, 200)
  })

  test('a seeded probability gives the same pattern on every run', async () => {
    const pattern = async () => {
      await server.admin('DELETE', '/admin/v1/faults')
      await addRule({ path: MESSAGE_STORE, status: 503, probability: 0.5, seed: 7 })
      const seen: number[] = []
      for (let i = 0; i < 24; i++) {
        seen.push(
          await alice.get(MESSAGE_STORE).then(
            (r) => r.status,
            (e) => e.response.status,
          ),
        )
      }
      await server.admin('DELETE', '/admin/v1/faults')
      return seen.map((s) => (s === 503 ? 'x' : '.')).join('')
    }
    const first = await pattern()
    const second = await pattern()
    assert.equal(second, first)
    assert.match(first, /x/)
    assert.match(first, /\./)
  })

  test('bad rules are refused with a 400 naming the field', async () => {
    for (const [rule, field] of [
      [{}, 'path'],
      [{ path: 'no-slash' }, 'path'],
      [{ path: '/x', status: 99 }, 'status'],
      [{ path: '/x', probability: 2 }, 'probability'],
      [{ path: '/x', times: 0 }, 'times'],
      [{ path: '/x', stauts: 503 }, 'stauts'],
    ] as const) {
      const res = await server.admin('POST', '/admin/v1/faults', rule)
      assert.equal(res.status, 400, JSON.stringify(rule))
      assert.equal(res.body.errors[0].parameterName, field)
    }
  })

  test('the admin API itself is never faulted', async () => {
    await addRule({ path: '/admin/v1/faults', status: 503 })
    assert.equal((await server.admin('GET', '/admin/v1/faults')).status, 200)
    await server.admin('DELETE', '/admin/v1/faults')
  })
})

describe('fault rules on sdkError', () => {
  test('an error status reaches the SDK caller as an HTTP error', async () => {
    await addRule({ path: MESSAGE_STORE, status: 429, retryAfter: 1, times: 1 })
    const res = await sdkError(alice.get(MESSAGE_STORE))
    assert.equal(res.status, 429)
    assert.equal(res.body.errorCode, 'CMN-301')
  })
})
