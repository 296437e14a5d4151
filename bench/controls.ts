/**
 * The cost of the test controls when unused: the list route on a server as shipped
 * (journal on, no fault rules, rate limits off) against the same build with the controls'
 * hooks not registered (bench/server.ts with MSGSTORE_BENCH_CONTROLS_OFF=1), for two
 * shapes of the list route:
 *
 *   polling   one query again and again (unfiltered, perPage 100): the shape of an app
 *             waiting for new messages, answered from the pages the route keeps
 *   browsing  a query never repeated (each request its own dateFrom): every page built
 *             afresh, the journal keeping a new 90 KB answer each time
 *
 * Method: many pairs of fresh servers, both idle but one while the other is loaded, in
 * short rounds that alternate between them (ABBA…), each server's rounds summed. The
 * machine's speed drifts over a minute; rounds of two seconds give both servers the same
 * share of it. Each server is measured alone on the servers' core: loaded at the same time,
 * as an earlier version of this bench did, the two servers' costs an answer depended on how
 * the scheduler interleaved them, and the one started first read up to 20% slower.
 *
 * Why many fresh pairs rather than many rounds of one pair: a pair of identical builds kept
 * a bias of its own, up to ±5% over all its rounds (which process got which memory, which
 * was started first), so rounds of one pair are not independent samples. The median over
 * pairs is what the controls cost. In half the pairs the server with the controls is
 * started first.
 *
 *   npm run bench:controls        (BENCH_CONTROLS_MESSAGES, BENCH_CONTROLS_PAIRS, BENCH_CONTROLS_ROUNDS, BENCH_CONTROLS_SECONDS,
 *                                 BENCH_CONTROLS_SHAPES=polling,browsing, BENCH_SERVER_NODE_ARGS)
 *   BENCH_CONTROLS_SAME=1         both servers without the controls (an A/A run): the method's own spread
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { passwordLogin } from './lib/http.js'
import { alternate, combine, type LoadRequest, type Measurement, measure } from './lib/load.js'
import { removeDir, runSeed, type Server, startServer, waitIdle } from './lib/processes.js'

const messages = Number(process.env.BENCH_CONTROLS_MESSAGES ?? 20_000)
const pairs = Number(process.env.BENCH_CONTROLS_PAIRS ?? 8)
const rounds = Number(process.env.BENCH_CONTROLS_ROUNDS ?? 4)
const seconds = Number(process.env.BENCH_CONTROLS_SECONDS ?? 2)
/** Both servers the same build without the controls (an A/A run): what the method reads as cost when there is none. */
const same = process.env.BENCH_CONTROLS_SAME === '1'
const CONNECTIONS = 32
/** Unmeasured load of each server before its pair's rounds: a fresh server runs at half speed at first (compiling, filling caches). */
const WARMUP_SECONDS = 3
const TARGET = 0.05
const shapes = (process.env.BENCH_CONTROLS_SHAPES ?? 'polling,browsing').split(',') as Shape[]
for (const shape of shapes)
  if (shape !== 'polling' && shape !== 'browsing')
    throw new Error(`BENCH_CONTROLS_SHAPES: unknown shape ${shape} (polling, browsing)`)
/** Flags for both servers' node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (as for bench/run.ts). */
const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)

type Shape = 'polling' | 'browsing'

/** Starts a server over its own copy of the seeded store, with the controls' hooks (`controls`) or without. */
async function start(seeded: string, copy: string, controls: boolean): Promise<Server> {
  // Each server its own copy: two processes over one SQLite file share its lock and WAL
  // index, and whichever took them first ran up to 10% faster.
  fs.rmSync(copy, { recursive: true, force: true })
  fs.cpSync(seeded, copy, { recursive: true })
  if (!controls || same) process.env.MSGSTORE_BENCH_CONTROLS_OFF = '1'
  try {
    return await startServer(copy, nodeArgs)
  } finally {
    delete process.env.MSGSTORE_BENCH_CONTROLS_OFF
  }
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y)
  return (s[Math.floor((s.length - 1) / 2)]! + s[Math.floor(s.length / 2)]!) / 2
}

const percent = (ratio: number) => `${(100 * ratio).toFixed(1)}%`

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-controls-'))
try {
  const seeded = path.join(dir, 'seeded')
  const { summary } = await runSeed(seeded, { accounts: 1, extensionsPerAccount: 10, messages })
  const user = summary.accounts[0]!.extensions[1]!
  const listPath = (dateFrom: Date) =>
    `/restapi/v1.0/account/~/extension/~/message-store?dateFrom=${dateFrom.toISOString()}&perPage=100`
  const from = new Date(Date.now() - 40 * 86_400_000)
  let browsed = 0
  const request = async (baseUrl: string, shape: Shape): Promise<LoadRequest> => {
    const headers = {
      authorization: `Bearer ${await passwordLogin(baseUrl, summary.app, user.phoneNumber, summary.password)}`,
    }
    if (shape === 'polling') return { path: listPath(from), headers }
    // A millisecond earlier for every request, across all pairs: no query is ever answered twice.
    const base = ++browsed * 10_000_000
    return {
      path: listPath(from),
      headers,
      pathFor: (n) => listPath(new Date(from.getTime() - base - n)),
    }
  }
  // Server CPU per answer (µs), printed beside: what each server spent, whatever its share of the machine.
  const cpuPerAnswer = (m: Measurement) => (1e6 * (m.serverCpu ?? 0)) / m.requestsPerSecond

  const results: { shape: Shape; ratio: number; low: number; high: number }[] = []
  for (const shape of shapes) {
    const ratios: number[] = []
    for (let pair = 1; pair <= pairs; pair++) {
      const controlsFirst = pair % 2 === 1
      const first = await start(seeded, path.join(dir, 'a'), controlsFirst)
      const second = await start(seeded, path.join(dir, 'b'), !controlsFirst).catch(async (err: unknown) => {
        await first.stop()
        throw err
      })
      const [on, off] = controlsFirst ? [first, second] : [second, first]
      try {
        await Promise.all([waitIdle(on.pid), waitIdle(off.pid)])
        const withControls = await request(on.baseUrl, shape)
        const without = await request(off.baseUrl, shape)
        const load =
          (server: Server, req: LoadRequest) =>
          (secs = seconds) =>
            measure(server.baseUrl, req, CONNECTIONS, secs, 0, [server.pid])
        const loadOn = load(on, withControls)
        const loadOff = load(off, without)
        for (const warm of controlsFirst ? [loadOn, loadOff] : [loadOff, loadOn]) await warm(WARMUP_SECONDS)
        // ABBA…, with the server started first taking the first round.
        const [firstRounds, secondRounds] = controlsFirst
          ? await alternate(loadOn, loadOff, rounds, 'abba')
          : await alternate(loadOff, loadOn, rounds, 'abba')
        const a = combine(controlsFirst ? firstRounds : secondRounds, seconds)
        const b = combine(controlsFirst ? secondRounds : firstRounds, seconds)
        if (a.non2xx + a.errors + b.non2xx + b.errors > 0) throw new Error('a request failed')
        ratios.push(a.requestsPerSecond / b.requestsPerSecond)
        console.log(
          `${shape}, pair ${pair} (controls started ${controlsFirst ? 'first' : 'second'}): ` +
            `controls unused ${Math.round(a.requestsPerSecond)} req/s (p99 ${a.p99Ms} ms, ${cpuPerAnswer(a).toFixed(0)} µs CPU an answer), ` +
            `disabled ${Math.round(b.requestsPerSecond)} req/s (p99 ${b.p99Ms} ms, ${cpuPerAnswer(b).toFixed(0)} µs): ${percent(ratios.at(-1)!)}`,
        )
      } finally {
        await first.stop()
        await second.stop()
      }
    }
    const sorted = [...ratios].sort((x, y) => x - y)
    results.push({
      shape,
      ratio: median(ratios),
      low: sorted[Math.floor((sorted.length - 1) / 4)]!,
      high: sorted[Math.ceil((3 * (sorted.length - 1)) / 4)]!,
    })
  }
  for (const r of results)
    console.log(
      `list route, ${r.shape}, ${CONNECTIONS} connections, ${messages} messages: controls unused run at ${percent(r.ratio)} ` +
        `of the build without them (median of ${pairs} pairs, middle half ${percent(r.low)}–${percent(r.high)}; ` +
        `cost ${percent(1 - r.ratio)}, target under ${percent(TARGET)}: ${1 - r.ratio < TARGET ? 'met' : 'NOT MET'})` +
        (same ? ' [A/A run: both servers without the controls]' : ''),
    )
} finally {
  removeDir(dir)
}
