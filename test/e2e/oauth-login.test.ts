import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { runCli } from '../helpers/cli.js'
import {
  ALICE,
  APP,
  assertOAuthError,
  BOB,
  DORA,
  getJson,
  JWT_GRANT,
  login,
  MAIN_NUMBER,
  MESSAGE_STORE,
  passwordToken,
  READONLY_APP,
  sdkError,
  sdkFor,
  startProvisioned,
  tokenRequest,
} from '../helpers/sdk.js'
import { databaseFor, type RunningServer, STANDARD_FILE, tempDir } from '../helpers/server.js'

// Getting a token: the password and JWT grants, client authentication, and their errors.
const ALL_PERMISSIONS =
  'ReadMessages EditMessages SMS Faxes InternalMessages ReadAccounts EditAccounts SubscriptionWebhook'

let server: RunningServer
let base: string
before(async () => {
  server = await startProvisioned()
  base = server.baseUrl
})
after(async () => {
  await server.stop()
})

/** Status of a message-store listing made with `token`. */
async function listStatus(token: string): Promise<number> {
  return (await getJson(`${base}${MESSAGE_STORE}`, token)).status
}

describe('password grant', () => {
  test('the SDK logs in with number*ext and gets a full TokenInfo', async () => {
    const platform = sdkFor(base).platform()
    const res = await platform.login({
      username: ALICE.username,
      extension: ALICE.extension,
      password: ALICE.password,
    })
    const info = await res.json()
    assert.deepEqual(Object.keys(info).sort(), [
      'access_token',
      'endpoint_id',
      'expires_in',
      'owner_id',
      'refresh_token',
      'refresh_token_expires_in',
      'scope',
      'session_id',
      'token_type',
    ])
    assert.equal(info.token_type, 'bearer')
    assert.equal(info.expires_in, 3600)
    assert.equal(info.refresh_token_expires_in, 604800)
    assert.equal(info.scope, ALL_PERMISSIONS)
    assert.equal(info.owner_id, ALICE.id)
    assert.equal(typeof info.session_id, 'string')
    assert.notEqual(info.access_token, info.refresh_token)
    assert.equal((await platform.get(MESSAGE_STORE)).status, 200)
  })

  test('the token answer is not cached', async () => {
    const res = await tokenRequest(base, {
      grant_type: 'password',
      username: `${BOB.username}*102`,
      password: BOB.password,
    })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
  })

  test('a separate extension field logs in, as the older SDK sends it', async () => {
    const res = await tokenRequest(base, {
      grant_type: 'password',
      username: BOB.username,
      extension: BOB.extension,
      password: BOB.password,
    })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.owner_id, BOB.id)
  })

  test('the main number with an extension logs that extension in', async () => {
    const platform = sdkFor(base).platform()
    const info = await (
      await platform.login({ username: MAIN_NUMBER, extension: '102', password: BOB.password })
    ).json()
    assert.equal(info.owner_id, BOB.id)
  })

  test('a direct number alone logs its owner in', async () => {
    const res = await tokenRequest(base, {
      grant_type: 'password',
      username: BOB.username,
      password: BOB.password,
    })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.owner_id, BOB.id)
  })

  test('a wrong password is invalid_grant', async () => {
    const res = await sdkError(login(base, { ...ALICE, password: 'wrong' }))
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('an unknown extension is invalid_grant', async () => {
    const res = await sdkError(login(base, { ...ALICE, extension: '999' }))
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('an unknown number is invalid_grant', async () => {
    const res = await sdkError(login(base, { username: '+19995550100', extension: '101', password: 'x' }))
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('a department cannot log in', async () => {
    const res = await sdkError(login(base, { username: MAIN_NUMBER, extension: '200', password: 'anything' }))
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('a Disabled extension cannot log in, even with the right password', async () => {
    const res = await sdkError(login(base, DORA))
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('disabling or freezing an extension ends its sessions and refuses new ones', async () => {
    const eve = {
      extensionNumber: '104',
      name: 'Eve',
      password: 'eve-secret',
      phoneNumbers: ['+16505550104'],
    }
    const provision = (status: string) =>
      server.admin('POST', '/admin/v1/provision', {
        accounts: [{ id: '1001', name: 'Acme Inc', extensions: [{ ...eve, status }] }],
      })
    const user = { username: '+16505550104', password: 'eve-secret' }
    for (const status of ['Disabled', 'Frozen']) {
      assert.equal((await provision('Enabled')).status, 200)
      const info = await passwordToken(base, user)
      assert.equal(await listStatus(info.access_token), 200)
      assert.equal((await provision(status)).status, 200)
      assert.equal(await listStatus(info.access_token), 401, status)
      const refresh = await tokenRequest(base, {
        grant_type: 'refresh_token',
        refresh_token: info.refresh_token,
      })
      assertOAuthError(refresh, 400, 'invalid_grant')
      assertOAuthError(await sdkError(login(base, user)), 400, 'invalid_grant')
    }
  })

  test('a missing password is invalid_request', async () => {
    const res = await tokenRequest(base, { grant_type: 'password', username: `${ALICE.username}*101` })
    assertOAuthError(res, 400, 'invalid_request')
  })
})

describe('client authentication and grants', () => {
  test('a wrong client secret is invalid_client (401)', async () => {
    const res = await sdkError(login(base, ALICE, { clientId: APP.clientId, clientSecret: 'nope' }))
    assertOAuthError(res, 401, 'invalid_client')
  })

  test('an unknown client is invalid_client', async () => {
    const res = await sdkError(login(base, ALICE, { clientId: 'who', clientSecret: 'what' }))
    assertOAuthError(res, 401, 'invalid_client')
  })

  test('no client authentication at all is invalid_client', async () => {
    const res = await tokenRequest(
      base,
      { grant_type: 'password', username: `${ALICE.username}*101`, password: ALICE.password },
      { app: null },
    )
    assertOAuthError(res, 401, 'invalid_client')
  })

  test('client_id in the body beside Basic auth is accepted when it matches', async () => {
    const form = { grant_type: 'password', username: `${ALICE.username}*101`, password: ALICE.password }
    const same = await tokenRequest(base, { ...form, client_id: APP.clientId })
    assert.equal(same.status, 200, JSON.stringify(same.body))
    const other = await tokenRequest(base, { ...form, client_id: READONLY_APP.clientId })
    assertOAuthError(other, 401, 'invalid_client')
  })

  test('an unknown grant type is unsupported_grant_type', async () => {
    for (const grant of ['client_credentials', 'bogus']) {
      const res = await tokenRequest(base, { grant_type: grant })
      assertOAuthError(res, 400, 'unsupported_grant_type')
    }
  })

  test('a grant the app does not have is unauthorized_client', async () => {
    const jwt = (await server.admin('POST', `/admin/v1/accounts/1001/extensions/${ALICE.id}/jwt`)).body.jwt
    const res = await sdkError(sdkFor(base, READONLY_APP).platform().login({ jwt }))
    assertOAuthError(res, 400, 'unauthorized_client')
  })

  test('an app without the refresh_token grant gets no refresh token and cannot refresh', async () => {
    const info = await passwordToken(base, ALICE, {})
    assert.ok(info.refresh_token)
    const res = await tokenRequest(
      base,
      { grant_type: 'password', username: `${ALICE.username}*101`, password: ALICE.password },
      { app: READONLY_APP },
    )
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.refresh_token, undefined)
    assert.equal(res.body.scope, '')
    const refresh = await tokenRequest(
      base,
      { grant_type: 'refresh_token', refresh_token: info.refresh_token },
      { app: READONLY_APP },
    )
    assertOAuthError(refresh, 400, 'unauthorized_client')
  })
})

describe('JWT bearer grant', () => {
  test('a JWT from the admin API logs in through the SDK', async () => {
    const res = await server.admin('POST', `/admin/v1/accounts/1001/extensions/${BOB.id}/jwt`)
    assert.equal(res.status, 200)
    assert.match(res.body.jwt, /^[\w-]+\.[\w-]+\.[\w-]+$/)
    const platform = sdkFor(base).platform()
    const info = await (await platform.login({ jwt: res.body.jwt })).json()
    assert.equal(info.owner_id, BOB.id)
    assert.equal(info.scope, ALL_PERMISSIONS)
    assert.equal((await platform.get(MESSAGE_STORE)).status, 200)
  })

  test('a JWT printed by `msgstore jwt --data` logs in', async () => {
    // The CLI opens the server's store: its folder, and its database when that is a server's.
    const database = await databaseFor(server.dataDir)
    const cli = await runCli([
      'jwt',
      '--account',
      '1001',
      '--extension',
      ALICE.id,
      '--data',
      server.dataDir,
      ...(database ? ['--database', database] : []),
    ])
    assert.equal(cli.code, 0, cli.stderr)
    const jwt = cli.stdout.trim()
    const platform = sdkFor(base).platform()
    const info = await (await platform.login({ jwt })).json()
    assert.equal(info.owner_id, ALICE.id)
  })

  test('`msgstore jwt` for an unknown extension fails', async () => {
    // The server's own store (on PostgreSQL, its database), so that the account exists there.
    const database = await databaseFor(server.dataDir)
    const cli = await runCli([
      'jwt',
      '--account',
      '1001',
      '--extension',
      '999999',
      '--data',
      server.dataDir,
      ...(database ? ['--database', database] : []),
    ])
    assert.equal(cli.code, 1)
    assert.match(cli.stderr, /extensionId/)
  })

  test('a malformed JWT is invalid_grant', async () => {
    const res = await sdkError(sdkFor(base).platform().login({ jwt: 'not.a.jwt' }))
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('a JWT signed by another store is invalid_grant', async () => {
    const otherData = tempDir()
    const file = path.join(otherData, 'file.json')
    fs.writeFileSync(file, JSON.stringify(STANDARD_FILE))
    assert.equal((await runCli(['provision', file, '--data', otherData])).code, 0)
    const cli = await runCli(['jwt', '--account', '1001', '--extension', ALICE.id, '--data', otherData])
    assert.equal(cli.code, 0, cli.stderr)
    const res = await sdkError(sdkFor(base).platform().login({ jwt: cli.stdout.trim() }))
    assertOAuthError(res, 400, 'invalid_grant')
  })

  test('a JWT of a Disabled extension cannot log in', async () => {
    const res = await server.admin('POST', `/admin/v1/accounts/1001/extensions/${DORA.id}/jwt`)
    assert.equal(res.status, 200)
    const failed = await tokenRequest(base, { grant_type: JWT_GRANT, assertion: res.body.jwt })
    assertOAuthError(failed, 400, 'invalid_grant')
  })
})
