import type { Scenario, Target } from './scenario.js'

/** listMessages, perPage=100, in the three shapes clients use most. */

const DAY = 24 * 60 * 60 * 1000
const PATH = '/restapi/v1.0/account/~/extension/~/message-store'

/** The goal for listMessages: a tenth of the bare route's throughput, p99 under 50 ms, at 32 connections. */
export const LIST_TARGETS: Target[] = [
  { connections: 32, label: 'requests/s >= 10% of bare', pass: (_m, ratio) => ratio >= 0.1 },
  { connections: 32, label: 'p99 < 50 ms', pass: (m) => m.p99Ms < 50 },
]

function listScenario(name: string, query: (now: number) => Record<string, string>): Scenario {
  return {
    name,
    request: (ctx) => ({
      path: `${PATH}?${new URLSearchParams({ ...query(ctx.now), perPage: '100' })}`,
      headers: { authorization: `Bearer ${ctx.token}` },
    }),
    check: (probe) => {
      if (probe.status !== 200) return `status ${probe.status}: ${probe.body.toString().slice(0, 200)}`
      const records = (JSON.parse(probe.body.toString()) as { records: unknown[] }).records.length
      return records === 100 ? undefined : `page holds ${records} records, not 100`
    },
    targets: LIST_TARGETS,
  }
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Every message of the mailbox: dateFrom before the seeded 30 days, so the page is full. */
export const listUnfiltered = listScenario('list unfiltered', (now) => ({ dateFrom: iso(now - 40 * DAY) }))

export const listTypeAndStatus = listScenario('list SMS+Read', (now) => ({
  dateFrom: iso(now - 40 * DAY),
  messageType: 'SMS',
  readStatus: 'Read',
}))

/** Two weeks that end three days ago: a window in the middle of the mailbox. */
export const listDateWindow = listScenario('list date window', (now) => ({
  dateFrom: iso(now - 17 * DAY),
  dateTo: iso(now - 3 * DAY),
}))

/** Issue 19's goal for the first read of a page (SQLite; bench/postgres.ts has its own). */
export const UNCACHED_TARGETS: Target[] = [
  { connections: 32, label: 'requests/s >= 15% of bare', pass: (_m, ratio) => ratio >= 0.15 },
  { connections: 32, label: 'p99 <= 20 ms', pass: (m) => m.p99Ms <= 20 },
]

/**
 * The unfiltered list again, but no query repeats within the run (dateFrom moves by a
 * millisecond with every request, across all connections): every
 * request reads the database and renders the envelope, none is served from the kept
 * pages. The polling scenarios above measure what clients repeating a query get.
 */
export const listUnfilteredUncached: Scenario = {
  ...listScenario('list unfiltered, uncached', (now) => ({ dateFrom: iso(now - 40 * DAY) })),
  request: (ctx) => {
    const pathFor = (n: number) =>
      `${PATH}?${new URLSearchParams({ dateFrom: iso(ctx.now - 40 * DAY - n), perPage: '100' })}`
    return { path: pathFor(0), pathFor, headers: { authorization: `Bearer ${ctx.token}` } }
  },
  targets: UNCACHED_TARGETS,
  // Loaded in rounds alternating with a bare route of its size: measured minutes after the
  // bare step, on a machine whose free share of a core drifts, its ratio varied from 2.5%
  // to 15.6% between runs of the same build.
  sameSizeBare: true,
}
