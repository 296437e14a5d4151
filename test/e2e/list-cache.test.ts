import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, login, MESSAGE_STORE, type Platform, startProvisioned } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

/**
 * A listed page is served again only while it is exactly what a fresh read answers:
 * any change to the mailbox, and the clock reaching a message dated in the future,
 * show up in the next listing of the same query.
 */
describe('repeated listings', () => {
  let server: RunningServer
  let alice: Platform
  const query = { dateFrom: '2020-01-01T00:00:00Z', perPage: 50 }

  before(async () => {
    server = await startProvisioned({ args: ['--clock', 'manual'] })
    alice = await login(server.baseUrl, ALICE)
  })
  after(async () => {
    await server.stop()
  })

  const inbound = async (text: string, extra: Record<string, unknown> = {}) => {
    const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'SMS',
      from: '+14155550123',
      to: ['+16505550101'],
      text,
      ...extra,
    })
    assert.equal(res.status, 201)
    return res.body.messages[0].id as number
  }
  const list = async (platform = alice) => (await platform.get(MESSAGE_STORE, query)).json()

  test('a new message, a read-status change and a deletion each show up at once', async () => {
    const first = await inbound('one')
    assert.deepEqual(
      (await list()).records.map((r: { id: number }) => r.id),
      [first],
    )
    assert.deepEqual(
      (await list()).records.map((r: { id: number }) => r.id),
      [first],
    )

    const second = await inbound('two')
    assert.deepEqual(
      (await list()).records.map((r: { id: number }) => r.id),
      [second, first],
    )

    await alice.put(`${MESSAGE_STORE}/${first}`, { readStatus: 'Read' })
    const afterRead = await list()
    assert.equal(afterRead.records.find((r: { id: number }) => r.id === first).readStatus, 'Read')

    await alice.delete(`${MESSAGE_STORE}/${second}`)
    const afterDelete = await list()
    assert.deepEqual(
      afterDelete.records.map((r: { id: number }) => r.id),
      [first],
    )
    assert.equal(afterDelete.paging.totalElements, 1)
  })

  test('a message dated ahead of the clock appears when the clock reaches it', async () => {
    const clock = await server.admin('GET', '/admin/v1/clock')
    const later = new Date(Date.parse(clock.body.now) + 3600_000).toISOString()
    const future = await inbound('from the future', { creationTime: later })
    const before = (await list()).records.map((r: { id: number }) => r.id)
    assert.ok(!before.includes(future), 'not yet: the window ends now')
    assert.ok(!(await list()).records.map((r: { id: number }) => r.id).includes(future))
    await server.admin('POST', '/admin/v1/clock', { advance: 'PT2H' })
    await alice.refresh()
    assert.equal((await list()).records[0].id, future)
  })

  test('another user listing the same mailbox query sees their own mailbox', async () => {
    const bob = await login(server.baseUrl, BOB)
    assert.deepEqual((await list(bob)).records, [])
  })
})
