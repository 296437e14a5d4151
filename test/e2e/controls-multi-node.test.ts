import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { POSTGRES_ONLY, startNodes, stopNodes } from '../helpers/nodes.js'
import { ALICE, deliverOne, getJson, MESSAGE_STORE, passwordToken } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

/** Polls `check` until it holds: a rule reaches the other nodes within their refresh interval. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`never: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('test controls on several nodes of one database', { skip: POSTGRES_ONLY }, () => {
  let nodes: RunningServer[] = []
  before(async () => {
    nodes = await startNodes()
  })
  after(async () => {
    await stopNodes(nodes)
  })

  test('a fault rule made on one node applies on the other, and times counts across both', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer]
    const token = (await passwordToken(a.baseUrl, ALICE)).access_token
    const rule = await a.admin('POST', '/admin/v1/faults', { path: MESSAGE_STORE, status: 503, times: 3 })
    assert.equal(rule.status, 201)
    // The first 503 on node B: the rule reached it.
    await eventually(
      async () => (await getJson(`${b.baseUrl}${MESSAGE_STORE}`, token)).status === 503,
      'B applies the rule',
    )
    assert.equal((await getJson(`${a.baseUrl}${MESSAGE_STORE}`, token)).status, 503)
    assert.equal((await getJson(`${b.baseUrl}${MESSAGE_STORE}`, token)).status, 503)
    // Three in all, whichever node answered them.
    assert.equal((await getJson(`${a.baseUrl}${MESSAGE_STORE}`, token)).status, 200)
    assert.equal((await getJson(`${b.baseUrl}${MESSAGE_STORE}`, token)).status, 200)
    const [listed] = (await b.admin('GET', '/admin/v1/faults')).body.faults
    assert.equal(listed.remaining, 0)
  })

  test('a reset on one node empties the store every node reads', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer]
    const token = (await passwordToken(b.baseUrl, ALICE)).access_token
    await deliverOne(a, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text: 'x' })
    assert.equal((await getJson(`${b.baseUrl}${MESSAGE_STORE}`, token)).body.records.length, 1)
    assert.equal((await a.admin('POST', '/admin/v1/reset', {})).status, 200)
    assert.deepEqual((await getJson(`${b.baseUrl}${MESSAGE_STORE}`, token)).body.records, [])
  })
})
