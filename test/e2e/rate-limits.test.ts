import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SDK } from '@ringcentral/sdk'
import {
  ALICE,
  APP,
  BOB,
  getJson,
  login,
  MESSAGE_STORE,
  passwordToken,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

let server: RunningServer

before(async () => {
  server = await startProvisioned({
    args: ['--rate-limits', 'on', '--rate-limit-window', 'PT60S', '--rate-limit-penalty', 'PT1S'],
  })
})
after(() => server.stop())

const setLimits = async (body: unknown) => {
  const res = await server.admin('PUT', '/admin/v1/rate-limits', body)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

describe('rate limits', () => {
  test('settings are read and changed at run time', async () => {
    const read = (await server.admin('GET', '/admin/v1/rate-limits')).body
    assert.deepEqual(read, {
      enabled: true,
      windowSeconds: 60,
      penaltySeconds: 1,
      groups: { Light: 50, Medium: 40, Heavy: 10, Auth: 5 },
    })
    const changed = await setLimits({ groups: { Light: 3 } })
    assert.equal(changed.groups.Light, 3)
    assert.equal(changed.groups.Medium, 40)
    for (const [body, name] of [
      [{ groups: { Ultra: 1 } }, 'groups.Ultra'],
      [{ windowSeconds: 0 }, 'windowSeconds'],
      [{ enabled: 'yes' }, 'enabled'],
    ] as const) {
      const res = await server.admin('PUT', '/admin/v1/rate-limits', body)
      assert.equal(res.status, 400)
      assert.equal(res.body.errors[0].parameterName, name)
    }
  })

  test('headers on every answer; over the limit a 429 CMN-301 with Retry-After; per extension', async () => {
    await setLimits({ groups: { Light: 3 }, penaltySeconds: 30 })
    const token = (await passwordToken(server.baseUrl, ALICE)).access_token
    const url = `${server.baseUrl}${MESSAGE_STORE}`
    for (let remaining = 2; remaining >= 0; remaining--) {
      const res = await getJson(url, token)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('x-rate-limit-group'), 'Light')
      assert.equal(res.headers.get('x-rate-limit-limit'), '3')
      assert.equal(res.headers.get('x-rate-limit-remaining'), String(remaining))
      assert.equal(res.headers.get('x-rate-limit-window'), '60')
    }
    const refused = await getJson(url, token)
    assert.equal(refused.status, 429)
    assert.equal(refused.body.errorCode, 'CMN-301')
    assert.equal(refused.headers.get('retry-after'), '30')
    assert.equal(refused.headers.get('x-rate-limit-remaining'), '0')
    // Another extension counts on its own; a Medium route of the same one too.
    const bob = (await passwordToken(server.baseUrl, BOB)).access_token
    assert.equal((await getJson(url, bob)).status, 200)
    const sync = await getJson(`${server.baseUrl}/restapi/v1.0/account/~/message-store-configuration`, token)
    assert.equal(sync.status, 429, 'message-store-configuration is Light too')
    const content = await getJson(`${server.baseUrl}${MESSAGE_STORE}/1/content/1`, token)
    assert.equal(content.headers.get('x-rate-limit-group'), 'Medium')
  })

  test('the OAuth endpoints count in the Auth group', async () => {
    await setLimits({ groups: { Auth: 2 }, penaltySeconds: 30 })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.baseUrl}/restapi/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'password',
          username: `${BOB.username}*102`,
          password: BOB.password,
        }),
      })
      statuses.push(res.status)
      assert.equal(res.headers.get('x-rate-limit-group'), 'Auth')
    }
    assert.deepEqual(statuses, [200, 200, 429])
    await setLimits({ groups: { Auth: 5 } })
  })

  test('@ringcentral/sdk with handleRateLimit waits out a 429 and succeeds', async () => {
    await setLimits({ groups: { Light: 2 }, penaltySeconds: 1 })
    const sdk = new SDK({
      server: server.baseUrl,
      ...APP,
      handleRateLimit: true,
      cachePrefix: 'rate-limit-test-',
    })
    const platform = sdk.platform()
    await platform.login({ username: ALICE.username, extension: ALICE.extension, password: ALICE.password })
    let limited = 0
    platform.on(platform.events.rateLimitError, () => limited++)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await platform.get(MESSAGE_STORE)).status)
    assert.deepEqual(statuses, [200, 200, 200, 200])
    assert.ok(limited >= 1, 'the SDK met a 429 and waited it out')
  })

  test('off: no headers and no limit', async () => {
    await setLimits({ enabled: false })
    const alice = await login(server.baseUrl, ALICE)
    for (let i = 0; i < 5; i++) {
      const res = await alice.get(MESSAGE_STORE)
      assert.equal(res.headers.get('x-rate-limit-group'), null)
    }
  })
})
