import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, login, MESSAGE_STORE, type Platform, startProvisioned } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

/**
 * `totalElements` of a listing is the count of its window, whatever the window and
 * whatever changed in the mailbox since the last listing: the server keeps what it
 * counts from between listings, and must never answer a count of before a change.
 */
describe('list counts', () => {
  let server: RunningServer
  let alice: Platform
  let now: number
  const HOUR = 3600_000

  before(async () => {
    server = await startProvisioned({ args: ['--clock', 'manual'] })
    alice = await login(server.baseUrl, ALICE)
    now = Date.parse((await server.admin('GET', '/admin/v1/clock')).body.now)
  })
  after(async () => {
    await server.stop()
  })

  const inbound = async (hoursAgo: number) => {
    const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'SMS',
      from: '+14155550123',
      to: ['+16505550101'],
      text: `${hoursAgo} hours ago`,
      creationTime: new Date(now - hoursAgo * HOUR).toISOString(),
    })
    assert.equal(res.status, 201)
    return res.body.messages[0].id as number
  }
  /** totalElements (and the records' count, which must agree) for the window [from, to] hours ago. */
  const count = async (fromHoursAgo: number, toHoursAgo?: number, extra: Record<string, string> = {}) => {
    const query: Record<string, string | number> = {
      dateFrom: new Date(now - fromHoursAgo * HOUR).toISOString(),
      perPage: 100,
      ...extra,
    }
    if (toHoursAgo !== undefined) query.dateTo = new Date(now - toHoursAgo * HOUR).toISOString()
    const body = await (await alice.get(MESSAGE_STORE, query)).json()
    assert.equal(body.records.length, body.paging.totalElements)
    return body.paging.totalElements as number
  }

  test('any window of the same filter, before and after each kind of change', async () => {
    const ids = new Map<number, number>()
    for (const h of [5, 4, 3, 2, 1]) ids.set(h, await inbound(h))
    assert.equal(await count(10), 5)
    assert.equal(await count(4.5), 4)
    assert.equal(await count(2.5), 2)
    assert.equal(await count(10, 2.5), 3)
    assert.equal(await count(3, 3), 1, 'a window of one instant holds the message created then')
    assert.equal(await count(0.5), 0)

    await alice.delete(`${MESSAGE_STORE}/${ids.get(3)}`)
    assert.equal(await count(4.6), 3)
    assert.equal(await count(10), 4)
    assert.equal(await count(10, undefined, { availability: 'Deleted' }), 1)

    await alice.put(`${MESSAGE_STORE}/${ids.get(2)}`, { readStatus: 'Read' })
    assert.equal(await count(10, undefined, { readStatus: 'Read' }), 1)
    assert.equal(await count(10.5, undefined, { readStatus: 'Unread' }), 3)

    await inbound(0.5)
    assert.equal(await count(2.6), 3)
    assert.equal(await count(10, 1.5, { readStatus: 'Unread' }), 2)
  })

  test('pages of one window agree on the count', async () => {
    const pages = []
    for (const page of [1, 2, 3]) {
      const body = await (
        await alice.get(MESSAGE_STORE, {
          dateFrom: new Date(now - 10 * HOUR).toISOString(),
          perPage: 2,
          page,
        })
      ).json()
      pages.push(body)
    }
    assert.deepEqual(
      pages.map((p) => [p.paging.totalElements, p.records.length]),
      [
        [5, 2],
        [5, 2],
        [5, 1],
      ],
    )
  })
})
