import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, deliver, login, type Platform, STORE, startStandard } from '../helpers/changes.js'
import { type Scrape, scrape } from '../helpers/prometheus.js'
import { type RunningServer, startServer } from '../helpers/server.js'

// GET /metrics as Prometheus scrapes it, read with a Prometheus text parser: the request
// series move with the requests the SDK makes, the store's gauges with what is stored.
const LIST = {
  method: 'GET',
  route: '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store',
  status: '200',
}

const listed = (s: Scrape) => s.value('msgstore_http_requests_total', LIST) ?? 0
const timed = (s: Scrape) => s.value('msgstore_http_request_duration_seconds_count', LIST) ?? 0
const timedUnder = (s: Scrape, le: string) =>
  s.value('msgstore_http_request_duration_seconds_bucket', { ...LIST, le }) ?? 0

describe('GET /metrics', () => {
  let server: RunningServer
  let alice: Platform

  before(async () => {
    server = await startStandard()
    alice = (await login(server, ALICE)).platform
  })
  after(() => server?.stop())

  test('needs the admin token, refused in the API error shape otherwise', async () => {
    const appToken = (await alice.auth().data()).access_token as string
    for (const authorization of [undefined, 'Bearer not-the-admin-token', `Bearer ${appToken}`]) {
      const res = await fetch(`${server.baseUrl}/metrics`, {
        headers: authorization ? { authorization } : {},
      })
      assert.equal(res.status, 401)
      assert.equal((await res.json()).errorCode, 'OAU-149')
    }
  })

  test('request counters and latency histograms move with the requests made', async () => {
    const first = await scrape(server.baseUrl)
    for (let i = 0; i < 5; i++) await alice.get(STORE, { perPage: 3 })
    await alice.get(`${STORE}/999999999`).catch(() => undefined)
    const second = await scrape(server.baseUrl)

    assert.equal(second.type('msgstore_http_requests_total'), 'COUNTER')
    assert.equal(second.type('msgstore_http_request_duration_seconds'), 'HISTOGRAM')
    assert.equal(listed(second) - listed(first), 5)
    assert.equal(timed(second) - timed(first), 5)
    assert.equal(timedUnder(second, '+Inf') - timedUnder(first, '+Inf'), 5)
    const notFound = { route: `${LIST.route}/:messageId`, status: '404' }
    assert.equal(second.value('msgstore_http_requests_total', notFound), 1)
    // Labels carry the route's pattern, never an id or a token from the URL.
    for (const labels of second.labelSets('msgstore_http_requests_total')) {
      assert.doesNotMatch(labels.route ?? '', /999999999|~/)
    }
  })

  test('messages stored and failed jobs follow the store', async () => {
    const first = await scrape(server.baseUrl)
    await deliver(server, { type: 'SMS', to: [ALICE.username], text: 'one' })
    await deliver(server, { type: 'SMS', to: [ALICE.username], text: 'two' })
    const second = await scrape(server.baseUrl)
    assert.equal(second.type('msgstore_messages_stored'), 'GAUGE')
    assert.equal(
      (second.value('msgstore_messages_stored') ?? 0) - (first.value('msgstore_messages_stored') ?? 0),
      2,
    )
    assert.equal(second.type('msgstore_jobs_due'), 'GAUGE')
    assert.equal(second.value('msgstore_jobs_failed', { state: 'dead' }), 0)
    assert.equal(second.value('msgstore_jobs_failed', { state: 'retrying' }), 0)
  })

  test('notification series are exported before any notification is sent', async () => {
    const s = await scrape(server.baseUrl)
    assert.equal(s.value('msgstore_websocket_connections'), 0)
    for (const result of ['delivered', 'failed']) {
      assert.equal(s.value('msgstore_webhook_deliveries_total', { result }), 0)
    }
  })
})

describe('GET /metrics with --metrics-open', () => {
  let server: RunningServer
  before(async () => {
    server = await startServer({ args: ['--metrics-open'], env: { MSGSTORE_LOG_LEVEL: 'info' } })
  })
  after(() => server?.stop())

  test('answers without a token', async () => {
    const s = await scrape(server.baseUrl, undefined)
    assert.equal(s.type('msgstore_http_requests_total'), 'COUNTER')
  })
})
