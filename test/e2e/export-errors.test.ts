import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createReport, REPORTS, waitForStatus } from '../helpers/exports.js'
import {
  ALICE,
  BOB,
  getJson,
  login,
  OLGA,
  type Platform,
  passwordToken,
  READONLY_APP,
  sdkError,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

/** Who may create and read message store reports, and what a bad request body answers. */

function assertError(
  res: { status: number; body: any },
  status: number,
  code: string,
  parameterName?: string,
) {
  assert.equal(res.status, status, JSON.stringify(res.body))
  assert.equal(res.body.errorCode, code, JSON.stringify(res.body))
  assert.equal(res.body.errors[0].errorCode, code)
  if (parameterName) {
    assert.equal(res.body.errors[0].parameterName, parameterName)
    assert.match(res.body.message, new RegExp(`\\[${parameterName}\\]`))
  }
}

describe('message store report: permissions and validation', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let task: any

  before(async () => {
    server = await startProvisioned({ args: ['--clock', 'manual'] })
    alice = await login(server.baseUrl, ALICE)
    bob = await login(server.baseUrl, BOB)
    task = await createReport(alice, {})
  })
  after(async () => {
    await server.stop()
  })

  test('without a body, the range is the 24 hours before now (store clock)', async () => {
    const now = Date.parse((await server.admin('GET', '/admin/v1/clock')).body.now)
    assert.equal(Date.parse(task.dateTo), now)
    assert.equal(Date.parse(task.dateFrom), now - 24 * 3600_000)
    assert.equal(Date.parse(task.startTime), now)
    const only = await createReport(alice, { dateTo: '2024-05-02T10:00:00Z' })
    assert.equal(only.dateFrom, '2024-05-01T10:00:00Z')
    assert.equal(only.dateTo, '2024-05-02T10:00:00Z')
  })

  test('a user who is not an administrator gets 403 for every call', async () => {
    assertError(await sdkError(bob.post(REPORTS, {})), 403, 'CMN-408')
    assertError(await sdkError(bob.get(`${REPORTS}/${task.id}`)), 403, 'CMN-408')
    assertError(await sdkError(bob.get(`${REPORTS}/${task.id}/archive`)), 403, 'CMN-408')
    assertError(await sdkError(bob.get(`${REPORTS}/${task.id}/archive/0`)), 403, 'CMN-408')
  })

  test('an app without ReadMessages gets 403 CMN-401', async () => {
    const readonly = await login(server.baseUrl, ALICE, READONLY_APP)
    assertError(await sdkError(readonly.post(REPORTS, {})), 403, 'CMN-401')
    assertError(await sdkError(readonly.get(`${REPORTS}/${task.id}`)), 403, 'CMN-401')
  })

  test('another account: 403 on its path, 404 for its task id', async () => {
    assertError(
      await sdkError(alice.post('/restapi/v1.0/account/2001/message-store-report', {})),
      403,
      'CMN-404',
    )
    const olga = await login(server.baseUrl, OLGA)
    assertError(await sdkError(olga.get(`${REPORTS}/${task.id}`)), 404, 'CMN-102', 'taskId')
    assertError(await sdkError(olga.get(`${REPORTS}/${task.id}/archive`)), 404, 'CMN-102', 'taskId')
  })

  test('no token: 401', async () => {
    const res = await getJson(`${server.baseUrl}${REPORTS.replace('~', '1001')}/${task.id}`)
    assert.equal(res.status, 401)
  })

  test('bad dates answer 400 CMN-101 naming the parameter', async () => {
    for (const [body, name] of [
      [{ dateFrom: 'yesterday' }, 'dateFrom'],
      [{ dateTo: '2023-02-30T00:00:00Z' }, 'dateTo'],
      [{ dateFrom: 20230101 }, 'dateFrom'],
      [{ dateFrom: '2023-03-02T00:00:00Z', dateTo: '2023-03-01T00:00:00Z' }, 'dateFrom'],
      [{ messageTypes: ['Fax', 'Email'] }, 'messageTypes'],
      [{ messageTypes: 'Carrier pigeon' }, 'messageTypes'],
    ] as const) {
      assertError(await sdkError(alice.post(REPORTS, body)), 400, 'CMN-101', name)
    }
    assertError(await sdkError(alice.post(REPORTS, ['not', 'an', 'object'])), 400, 'CMN-101', 'dateFrom')
  })

  test('malformed JSON: 400 CMN-103', async () => {
    const { access_token } = await passwordToken(server.baseUrl, ALICE)
    const res = await fetch(`${server.baseUrl}${REPORTS}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: '{"dateFrom": ',
    })
    assert.equal(res.status, 400)
    assert.equal(((await res.json()) as any).errorCode, 'CMN-103')
  })

  test('unknown task and archive ids: 404 CMN-102', async () => {
    assertError(await sdkError(alice.get(`${REPORTS}/nope`)), 404, 'CMN-102', 'taskId')
    assertError(
      await sdkError(alice.get(`${REPORTS}/1001-62001-00000000000000000000000000000000`)),
      404,
      'CMN-102',
      'taskId',
    )
    await waitForStatus(alice, task.id)
    assertError(await sdkError(alice.get(`${REPORTS}/${task.id}/archive/7`)), 404, 'CMN-102', 'archiveId')
    assertError(await sdkError(alice.get(`${REPORTS}/${task.id}/archive/x`)), 404, 'CMN-102', 'archiveId')
  })
})
