/**
 * What the request series of `GET /metrics` cost a request: the time of one
 * `Metrics.requestAnswered` call (src/observability/), the only metrics work a request
 * does, measured in a tight loop after a warm-up, beside prom-client's own labelled
 * Counter and Histogram doing the same work, for comparison.
 *
 *   node --import tsx bench/metrics-overhead.ts
 */

import type { Kysely } from 'kysely'
import { Counter, Histogram, Registry } from 'prom-client'
import type { Clock } from '../src/domain/clock.js'
import { Metrics } from '../src/observability/metrics.js'
import type { DB } from '../src/storage/schema.js'

const ROUTE = '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store'
const CALLS = 2_000_000

function nsPerCall(work: (i: number) => void): number {
  for (let i = 0; i < CALLS / 10; i++) work(i)
  const start = process.hrtime.bigint()
  for (let i = 0; i < CALLS; i++) work(i)
  return Number(process.hrtime.bigint() - start) / CALLS
}

// The store gauges are read only when scraped; no scrape happens here, so no database is needed.
const metrics = new Metrics({} as Kysely<DB>, { now: () => Date.now() } as Clock)
const ours = nsPerCall((i) => metrics.requestAnswered('GET', ROUTE, 200, 0.0004 + (i % 7) * 0.001))

const registers = [new Registry()]
const labelNames = ['method', 'route', 'status'] as const
const counter = new Counter({ name: 'c', help: 'c', labelNames, registers })
const histogram = new Histogram({ name: 'h', help: 'h', labelNames, registers })
const theirs = nsPerCall((i) => {
  const labels = { method: 'GET', route: ROUTE, status: '200' }
  counter.inc(labels)
  histogram.observe(labels, 0.0004 + (i % 7) * 0.001)
})

console.log(`request series, msgstore:            ${ours.toFixed(0)} ns per request`)
console.log(`labelled prom-client Counter+Histogram: ${theirs.toFixed(0)} ns per request`)
