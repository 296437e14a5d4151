import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, login, STORE, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

// The request log an operator reads at `--log-level info`: one JSON line per request,
// with the route's pattern, status, duration, the caller's account and extension and
// the request id, and no secret from the URL or the headers.
describe('request log', () => {
  let server: RunningServer
  before(async () => {
    server = await startStandard({ env: { MSGSTORE_LOG_LEVEL: 'info' } })
  })
  after(() => server?.stop())

  const requestLines = () =>
    server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === 'request')

  test('one line per request with what an operator needs, and no token', async () => {
    const { platform } = await login(server, ALICE)
    const token = (await platform.auth().data()).access_token as string
    const seen = requestLines().length
    const res = await fetch(`${server.baseUrl}${STORE}?access_token=${encodeURIComponent(token)}&perPage=7`)
    assert.equal(res.status, 200)
    await platform.get(`${STORE}/999999999`).catch(() => undefined)

    let lines: any[] = []
    for (let i = 0; i < 100 && lines.length < 2; i++) {
      lines = requestLines()
        .slice(seen)
        .filter((entry) => entry.method === 'GET')
      if (lines.length < 2) await new Promise((r) => setTimeout(r, 50))
    }
    assert.equal(lines.length, 2, server.output())
    const [list, missing] = lines
    assert.equal(list.level, 30, 'info')
    assert.equal(list.method, 'GET')
    assert.equal(list.route, '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store')
    assert.equal(list.status, 200)
    assert.equal(typeof list.durationMs, 'number')
    assert.equal(list.accountId, '1001')
    assert.equal(list.extensionId, ALICE.id)
    assert.match(String(list.reqId), /\S/)
    assert.notEqual(list.reqId, missing.reqId)
    assert.equal(missing.status, 404)
    assert.equal(
      missing.route,
      '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId',
    )

    const out = server.output()
    assert.ok(!out.includes(token), 'the access token was logged')
    assert.ok(!out.includes('perPage=7'), 'the URL as sent was logged')
    assert.ok(!out.includes(ALICE.password), 'a password was logged')
  })
})
