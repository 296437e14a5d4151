import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { APP, MAIN_NUMBER } from '../helpers/sdk.js'
import { type RunningServer, STANDARD_FILE, startServer } from '../helpers/server.js'

/**
 * A password login hashes with scrypt (slow on purpose). While many logins are being
 * checked, a cheap request is still answered: it does not queue behind them.
 */
let server: RunningServer

before(async () => {
  server = await startServer()
  assert.equal((await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
})

after(async () => {
  await server.stop()
})

function passwordLogin(password: string): Promise<Response> {
  return fetch(`${server.baseUrl}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'password',
      username: `${MAIN_NUMBER}*101`,
      password,
    }).toString(),
  })
}

test('a cheap request is served while many logins are in progress', async () => {
  const LOGINS = 24
  let loginsDone = 0
  const logins = Array.from({ length: LOGINS }, (_, i) =>
    passwordLogin(i % 2 ? 'alice-secret' : 'wrong-password').then(async (res) => {
      await res.arrayBuffer()
      loginsDone++
      return res.status
    }),
  )
  // Wait until the server is busy with them: the first login answered.
  await Promise.race(logins)
  const cheap = await fetch(`${server.baseUrl}/restapi/v1.0`)
  await cheap.arrayBuffer()
  const doneWhenCheapAnswered = loginsDone
  assert.equal(cheap.status, 200)
  const statuses = await Promise.all(logins)
  assert.deepEqual(statuses.filter((s) => s === 200).length, LOGINS / 2)
  assert.ok(
    doneWhenCheapAnswered < LOGINS / 2,
    `the cheap request waited for ${doneWhenCheapAnswered} of ${LOGINS} logins`,
  )
})
