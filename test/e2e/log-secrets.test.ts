import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  APP,
  basic,
  JWT_GRANT,
  MESSAGE_STORE,
  passwordToken,
  startProvisioned,
  tokenRequest,
} from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer } from '../helpers/server.js'

// No secret reaches a log line, at the most talkative levels: access and refresh
// tokens (in headers, query strings and forms), passwords, client secrets, JWT
// assertions and the admin token.

for (const level of ['info', 'debug'])
  describe(`log level ${level}`, () => {
    let server: RunningServer

    before(async () => {
      server = await startProvisioned({ env: { MSGSTORE_LOG_LEVEL: level } })
    })
    after(async () => {
      await server.stop()
    })

    test(`at ${level} level, requests carrying every kind of secret log none of them`, async () => {
      const base = server.baseUrl
      const secrets: string[] = [ALICE.password, APP.clientSecret, ADMIN_TOKEN]

      const first = await passwordToken(base, ALICE)
      secrets.push(first.access_token, first.refresh_token)
      // The client secret in the form too.
      await tokenRequest(
        base,
        {
          grant_type: 'password',
          username: ALICE.username,
          extension: ALICE.extension,
          password: ALICE.password,
          client_id: APP.clientId,
          client_secret: APP.clientSecret,
        },
        { app: null },
      )
      // A wrong password and a wrong client secret are secrets too.
      const wrongPassword = 'not-the-password-93211'
      const wrongSecret = 'not-the-secret-58123'
      secrets.push(wrongPassword, wrongSecret)
      await tokenRequest(base, { grant_type: 'password', username: ALICE.username, password: wrongPassword })
      await tokenRequest(
        base,
        { grant_type: 'password', username: ALICE.username, password: ALICE.password },
        {
          authorization: basic(APP.clientId, wrongSecret),
        },
      )

      const jwt = await server.admin('POST', `/admin/v1/accounts/1001/extensions/${ALICE.id}/jwt`)
      assert.equal(jwt.status, 200, JSON.stringify(jwt.body))
      secrets.push(jwt.body.jwt)
      const byJwt = await tokenRequest(base, { grant_type: JWT_GRANT, assertion: jwt.body.jwt })
      assert.equal(byJwt.status, 200, JSON.stringify(byJwt.body))
      secrets.push(byJwt.body.access_token, byJwt.body.refresh_token)

      const refreshed = await tokenRequest(base, {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
      })
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
      secrets.push(refreshed.body.access_token, refreshed.body.refresh_token)
      const live = refreshed.body.access_token as string

      // The token in a query string: served, unknown route, undecodable URL, and a form's token on revoke.
      assert.equal((await fetch(`${base}${MESSAGE_STORE}?access_token=${live}&perPage=1`)).status, 200)
      assert.equal(
        (await fetch(`${base}${MESSAGE_STORE}?perPage=1`, { headers: { authorization: `Bearer ${live}` } }))
          .status,
        200,
      )
      assert.equal((await fetch(`${base}/restapi/v1.0/nothing?access_token=${live}`)).status, 404)
      assert.equal((await fetch(`${base}/restapi/v1.0/%E0%A4%A?access_token=${live}`)).status, 400)
      assert.equal((await fetch(`${base}${MESSAGE_STORE}?access_token=${'x'.repeat(40)}wrong`)).status, 401)
      secrets.push(`${'x'.repeat(40)}wrong`)
      const revoke = await tokenRequest(
        base,
        { token: byJwt.body.access_token },
        { path: '/restapi/oauth/revoke' },
      )
      assert.equal(revoke.status, 200)
      const revokeInQuery = await tokenRequest(
        base,
        {},
        { path: `/restapi/oauth/revoke?token=${first.access_token}` },
      )
      assert.equal(revokeInQuery.status, 200)

      // The log does record the requests (one line each, naming the route; so this test can
      // see a leak): wait for the line of the last one.
      await waitFor(
        () => (server.output().match(/"route":"\/restapi\/oauth\/revoke"/g) ?? []).length >= 2,
        server,
      )
      const output = server.output()
      for (const secret of secrets) {
        assert.ok(
          !output.includes(secret),
          `the log holds a secret (${secret.slice(0, 6)}…):\n${lineWith(output, secret)}`,
        )
      }
    })
  })

async function waitFor(condition: () => boolean, server: RunningServer): Promise<void> {
  const deadline = Date.now() + 20000
  while (!condition()) {
    if (Date.now() > deadline)
      assert.fail(`the log never showed the request:\n${server.output().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function lineWith(output: string, secret: string): string {
  return output.split('\n').find((l) => l.includes(secret)) ?? ''
}
