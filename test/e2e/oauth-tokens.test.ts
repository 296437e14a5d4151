import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  APP,
  assertOAuthError,
  BOB,
  basic,
  getJson,
  login,
  MESSAGE_STORE,
  passwordToken,
  sdkFor,
  startProvisioned,
  tokenRequest,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

// Using a token: refresh with rotation, revoke, lifetimes, and the ways to present it.
// A manual clock lets token lifetimes be checked without waiting.
let server: RunningServer
let base: string
before(async () => {
  server = await startProvisioned({ args: ['--clock', 'manual'] })
  base = server.baseUrl
})
after(async () => {
  await server.stop()
})

/** Status of a message-store listing made with `token`. */
async function listStatus(token: string): Promise<number> {
  return (await getJson(`${base}${MESSAGE_STORE}`, token)).status
}

async function advanceClock(duration: string): Promise<void> {
  const res = await server.admin('POST', '/admin/v1/clock', { advance: duration })
  assert.equal(res.status, 200)
}

describe('refresh', () => {
  test('the SDK refreshes; the previous access token is rejected at once', async () => {
    const platform = await login(base, ALICE)
    const before = await platform.auth().data()
    // Used first, so that the server has read (and may keep) what the token stands for.
    assert.equal(await listStatus(before.access_token!), 200)
    const refreshed = await (await platform.refresh()).json()
    assert.notEqual(refreshed.access_token, before.access_token)
    assert.notEqual(refreshed.refresh_token, before.refresh_token)
    assert.equal(refreshed.owner_id, ALICE.id)
    assert.equal(refreshed.session_id, (before as { session_id?: string }).session_id)
    assert.equal(await listStatus(before.access_token!), 401)
    assert.equal(await listStatus(refreshed.access_token), 200)
    assert.equal((await platform.get(MESSAGE_STORE)).status, 200)
  })

  test('a refresh token is good once (rotation)', async () => {
    const info = await passwordToken(base, ALICE)
    const first = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: info.refresh_token })
    assert.equal(first.status, 200, JSON.stringify(first.body))
    const again = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: info.refresh_token })
    assertOAuthError(again, 400, 'invalid_grant')
  })

  test('an unknown refresh token is invalid_grant', async () => {
    const res = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: 'no-such-token' })
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('an access token is not a refresh token', async () => {
    const info = await passwordToken(base, ALICE)
    const res = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: info.access_token })
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('another app cannot use the refresh token', async () => {
    const info = await passwordToken(base, ALICE)
    await server.admin('POST', '/admin/v1/provision', {
      apps: [{ clientId: 'second-client', clientSecret: 'second-secret', permissions: ['ReadMessages'] }],
    })
    const res = await tokenRequest(
      base,
      { grant_type: 'refresh_token', refresh_token: info.refresh_token },
      { app: { clientId: 'second-client', clientSecret: 'second-secret' } },
    )
    assertOAuthError(res, 400, 'invalid_grant')
  })
})

describe('revoke', () => {
  test('SDK logout ends the session: access and refresh tokens both stop working', async () => {
    const platform = await login(base, ALICE)
    const data = await platform.auth().data()
    assert.equal(await listStatus(data.access_token!), 200)
    await platform.logout()
    assert.equal(await listStatus(data.access_token!), 401)
    const res = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: data.refresh_token! })
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('revoking the refresh token ends the access token too', async () => {
    const info = await passwordToken(base, BOB)
    assert.equal(await listStatus(info.access_token), 200)
    const res = await tokenRequest(base, { token: info.refresh_token }, { path: '/restapi/oauth/revoke' })
    assert.equal(res.status, 200)
    assert.equal(await listStatus(info.access_token), 401)
  })

  test('revoking one session leaves the others alone', async () => {
    const one = await passwordToken(base, ALICE)
    const two = await passwordToken(base, ALICE)
    assert.equal(await listStatus(one.access_token), 200)
    assert.equal(await listStatus(two.access_token), 200)
    await tokenRequest(base, { token: one.access_token }, { path: '/restapi/oauth/revoke' })
    assert.equal(await listStatus(one.access_token), 401)
    assert.equal(await listStatus(two.access_token), 200)
  })

  test('revoking an unknown token is fine (RFC 7009)', async () => {
    const res = await tokenRequest(base, { token: 'no-such-token' }, { path: '/restapi/oauth/revoke' })
    assert.equal(res.status, 200)
  })

  test('revoke needs client authentication', async () => {
    const info = await passwordToken(base, ALICE)
    const res = await tokenRequest(
      base,
      { token: info.access_token },
      { path: '/restapi/oauth/revoke', app: null },
    )
    assertOAuthError(res, 401, 'invalid_client')
    assert.equal(await listStatus(info.access_token), 200)
  })
})

describe('token lifetimes', () => {
  test('access_token_ttl is honoured: the token works until it expires', async () => {
    const platform = sdkFor(base).platform()
    const info = await (
      await platform.login({
        username: ALICE.username,
        extension: '101',
        password: ALICE.password,
        access_token_ttl: 900,
      })
    ).json()
    assert.equal(info.expires_in, 900)
    await advanceClock('PT14M')
    assert.equal(await listStatus(info.access_token), 200)
    await advanceClock('PT2M')
    const expired = await getJson(`${base}${MESSAGE_STORE}`, info.access_token)
    assert.equal(expired.status, 401)
    assert.match(expired.body.errorCode, /^OAU-/)
    // The refresh token outlives it.
    const res = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: info.refresh_token })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(await listStatus(res.body.access_token), 200)
  })

  test('ttls out of range are clamped, not refused', async () => {
    const short = await passwordToken(base, ALICE, { access_token_ttl: '1', refresh_token_ttl: '1' })
    assert.equal(short.expires_in, 600)
    assert.equal(short.refresh_token_expires_in, 600)
    const long = await passwordToken(base, ALICE, {
      access_token_ttl: '99999999',
      refresh_token_ttl: '999999999',
    })
    assert.equal(long.expires_in, 3600)
    assert.equal(long.refresh_token_expires_in, 604800)
  })

  test('ttls on refresh are honoured and clamped', async () => {
    const info = await passwordToken(base, ALICE)
    const res = await tokenRequest(base, {
      grant_type: 'refresh_token',
      refresh_token: info.refresh_token,
      access_token_ttl: '1200',
      refresh_token_ttl: '1',
    })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.expires_in, 1200)
    assert.equal(res.body.refresh_token_expires_in, 600)
  })

  test('an expired refresh token is invalid_grant', async () => {
    const info = await passwordToken(base, ALICE, { refresh_token_ttl: '600' })
    await advanceClock('PT11M')
    const res = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: info.refresh_token })
    assertOAuthError(res, 400, 'invalid_grant')
  })
})

describe('presenting the access token', () => {
  test('the lowercase bearer scheme is accepted', async () => {
    const info = await passwordToken(base, ALICE)
    const res = await getJson(`${base}${MESSAGE_STORE}`, undefined, {
      authorization: `bearer ${info.access_token}`,
    })
    assert.equal(res.status, 200)
  })

  test('the access_token query parameter stands in for the header', async () => {
    const info = await passwordToken(base, ALICE)
    const res = await getJson(`${base}${MESSAGE_STORE}?access_token=${encodeURIComponent(info.access_token)}`)
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.records, [])
    // The token is not echoed into links that may be shared.
    assert.doesNotMatch(JSON.stringify(res.body), /access_token/)
  })

  test('a bad access_token query parameter is 401', async () => {
    const res = await getJson(`${base}${MESSAGE_STORE}?access_token=nope`)
    assert.equal(res.status, 401)
    assert.equal(res.body.errorCode, 'OAU-149')
  })

  test('a refresh token is not an access token', async () => {
    const info = await passwordToken(base, ALICE)
    assert.equal(await listStatus(info.refresh_token), 401)
  })

  test('HTTP Basic is not a bearer token', async () => {
    const res = await getJson(`${base}${MESSAGE_STORE}`, undefined, {
      authorization: basic(APP.clientId, APP.clientSecret),
    })
    assert.equal(res.status, 401)
  })
})
