import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliverOne,
  getJson,
  login,
  MESSAGE_STORE,
  type Platform,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

// Alice gets 1,005 SMS (enough to see the 1,000 cap), Bob 25 (small pages by hand).
const ALICE_COUNT = 1005
const BOB_COUNT = 25

let server: RunningServer
let alice: Platform
let bob: Platform
let bobIds: number[] // newest first
const start = Date.parse('2024-05-01T00:00:00.000Z')
const minute = (i: number) => new Date(start + i * 60_000).toISOString()
const WINDOW = { dateFrom: '2024-04-30T00:00:00.000Z', dateTo: '2024-05-31T00:00:00.000Z' }

before(async () => {
  server = await startProvisioned()
  const jobs: (() => Promise<number>)[] = []
  for (let i = 0; i < ALICE_COUNT; i++) {
    jobs.push(() =>
      deliverOne(server, {
        type: 'SMS',
        from: '+14155550123',
        to: [ALICE.username],
        text: `a${i}`,
        creationTime: minute(i),
      }),
    )
  }
  await runLimited(jobs, 8)
  bobIds = []
  for (let i = 0; i < BOB_COUNT; i++) {
    const from = i % 2 ? '+14155550123' : '+14155550199'
    bobIds.unshift(
      await deliverOne(server, {
        type: 'SMS',
        from,
        to: [BOB.username],
        text: `b${i}`,
        creationTime: minute(i),
      }),
    )
  }
  alice = await login(server.baseUrl, ALICE)
  bob = await login(server.baseUrl, BOB)
})
after(async () => {
  await server.stop()
})

async function runLimited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++
        out[i] = await jobs[i]!()
      }
    }),
  )
  return out
}

async function page(platform: Platform, query: Record<string, unknown>) {
  const res = await platform.get(MESSAGE_STORE, query)
  assert.equal(res.status, 200)
  return res.json()
}

const ids = (body: { records: { id: number }[] }) => body.records.map((r) => r.id)

describe('page sizes', () => {
  test('perPage defaults to 100', async () => {
    const body = await page(alice, WINDOW)
    assert.equal(body.records.length, 100)
    assert.deepEqual(body.paging, {
      page: 1,
      totalPages: 11,
      perPage: 100,
      totalElements: ALICE_COUNT,
      pageStart: 0,
      pageEnd: 99,
    })
  })

  test('perPage above 1000 is clamped to 1000', async () => {
    const body = await page(alice, { ...WINDOW, perPage: 5000 })
    assert.equal(body.records.length, 1000)
    assert.deepEqual(body.paging, {
      page: 1,
      totalPages: 2,
      perPage: 1000,
      totalElements: ALICE_COUNT,
      pageStart: 0,
      pageEnd: 999,
    })
    assert.match(body.navigation.nextPage.uri, /[?&]perPage=1000(&|$)/)
    const second = await page(alice, { ...WINDOW, perPage: 5000, page: 2 })
    assert.equal(second.records.length, 5)
    assert.deepEqual(second.paging, {
      page: 2,
      totalPages: 2,
      perPage: 1000,
      totalElements: ALICE_COUNT,
      pageStart: 1000,
      pageEnd: 1004,
    })
  })

  test('pages are newest first and never overlap', async () => {
    const all = await page(alice, { ...WINDOW, perPage: 1000 })
    const rest = await page(alice, { ...WINDOW, perPage: 1000, page: 2 })
    const seen = [...ids(all), ...ids(rest)]
    assert.equal(new Set(seen).size, ALICE_COUNT)
    const times = [...all.records, ...rest.records].map((r: { creationTime: string }) =>
      Date.parse(r.creationTime),
    )
    for (let i = 1; i < times.length; i++) assert.ok(times[i - 1]! >= times[i]!, `record ${i} out of order`)
    assert.equal(all.records[0].subject, `a${ALICE_COUNT - 1}`)
  })
})

describe('paging fields and navigation', () => {
  test('the first page has next and last, no previous', async () => {
    const body = await page(bob, { ...WINDOW, perPage: 10 })
    assert.deepEqual(ids(body), bobIds.slice(0, 10))
    assert.deepEqual(body.paging, {
      page: 1,
      totalPages: 3,
      perPage: 10,
      totalElements: 25,
      pageStart: 0,
      pageEnd: 9,
    })
    assert.deepEqual(Object.keys(body.navigation).sort(), ['firstPage', 'lastPage', 'nextPage'])
  })

  test('a middle page has all four links', async () => {
    const body = await page(bob, { ...WINDOW, perPage: 10, page: 2 })
    assert.deepEqual(ids(body), bobIds.slice(10, 20))
    assert.deepEqual(body.paging, {
      page: 2,
      totalPages: 3,
      perPage: 10,
      totalElements: 25,
      pageStart: 10,
      pageEnd: 19,
    })
    assert.deepEqual(Object.keys(body.navigation).sort(), [
      'firstPage',
      'lastPage',
      'nextPage',
      'previousPage',
    ])
  })

  test('the last page has no next', async () => {
    const body = await page(bob, { ...WINDOW, perPage: 10, page: 3 })
    assert.deepEqual(ids(body), bobIds.slice(20))
    assert.deepEqual(body.paging, {
      page: 3,
      totalPages: 3,
      perPage: 10,
      totalElements: 25,
      pageStart: 20,
      pageEnd: 24,
    })
    assert.deepEqual(Object.keys(body.navigation).sort(), ['firstPage', 'lastPage', 'previousPage'])
  })

  test('a page past the end is an empty 200', async () => {
    const body = await page(bob, { ...WINDOW, perPage: 10, page: 9 })
    assert.deepEqual(body.records, [])
    assert.equal(body.paging.page, 9)
    assert.equal(body.paging.perPage, 10)
    assert.equal(body.paging.totalElements, 25)
    assert.equal(body.paging.totalPages, 3)
    assert.equal(body.navigation.nextPage, undefined)
  })

  test('a single page has neither previous nor next', async () => {
    const body = await page(bob, WINDOW)
    assert.deepEqual(ids(body), bobIds)
    assert.deepEqual(Object.keys(body.navigation).sort(), ['firstPage', 'lastPage'])
    assert.equal(body.navigation.firstPage.uri, body.navigation.lastPage.uri)
  })

  test('an empty result is one empty page', async () => {
    const body = await page(bob, { dateFrom: '2001-01-01T00:00:00Z', dateTo: '2001-01-02T00:00:00Z' })
    assert.deepEqual(body.records, [])
    assert.equal(body.paging.totalElements, 0)
    assert.equal(body.paging.page, 1)
    assert.deepEqual(Object.keys(body.navigation).sort(), ['firstPage', 'lastPage'])
  })

  test('navigation URIs are absolute and keep every filter', async () => {
    const query = {
      ...WINDOW,
      messageType: ['SMS'],
      direction: ['Inbound'],
      phoneNumber: '+14155550123',
      perPage: 4,
    }
    const body = await page(bob, query)
    assert.equal(body.paging.totalElements, 12)
    for (const [name, link] of Object.entries(body.navigation) as [string, { uri: string }][]) {
      const url = new URL(link.uri)
      assert.equal(url.origin, server.baseUrl, name)
      // RingCentral's links name the mailbox by its ids rather than `~`.
      assert.equal(url.pathname, `/restapi/v1.0/account/1001/extension/${BOB.id}/message-store`, name)
      assert.equal(url.searchParams.get('dateFrom'), WINDOW.dateFrom, name)
      assert.equal(url.searchParams.get('dateTo'), WINDOW.dateTo, name)
      assert.deepEqual(url.searchParams.getAll('messageType'), ['SMS'], name)
      assert.deepEqual(url.searchParams.getAll('direction'), ['Inbound'], name)
      assert.equal(url.searchParams.get('phoneNumber'), '+14155550123', name)
      assert.equal(url.searchParams.get('perPage'), '4', name)
    }
    assert.equal(new URL(body.navigation.firstPage.uri).searchParams.get('page'), '1')
    assert.equal(new URL(body.navigation.nextPage.uri).searchParams.get('page'), '2')
    assert.equal(new URL(body.navigation.lastPage.uri).searchParams.get('page'), '3')
  })

  test('following nextPage walks every page; previousPage and firstPage lead back', async () => {
    const query = { ...WINDOW, perPage: 7 }
    let body = await page(bob, query)
    const seen = [...ids(body)]
    const pages = [body]
    while (body.navigation.nextPage) {
      const res = await bob.get(body.navigation.nextPage.uri)
      assert.equal(res.status, 200)
      body = await res.json()
      seen.push(...ids(body))
      pages.push(body)
    }
    assert.deepEqual(seen, bobIds)
    assert.equal(pages.length, 4)
    assert.equal(body.navigation.lastPage.uri, pages[0].navigation.lastPage.uri)
    const back = await (await bob.get(body.navigation.previousPage.uri)).json()
    assert.deepEqual(ids(back), ids(pages[2]))
    const first = await (await bob.get(body.navigation.firstPage.uri)).json()
    assert.deepEqual(ids(first), ids(pages[0]))
  })

  test('navigation links work with plain fetch and the same token', async () => {
    const body = await page(bob, { ...WINDOW, perPage: 10 })
    const token = (await bob.auth().data()).access_token!
    const next = await getJson(body.navigation.nextPage.uri, token)
    assert.equal(next.status, 200)
    assert.deepEqual(ids(next.body), bobIds.slice(10, 20))
  })
})
