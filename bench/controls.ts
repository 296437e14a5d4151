/**
 * The cost of the test controls when unused: the list route (unfiltered, perPage 100, the
 * polling shape) on a server as shipped (journal on, no fault rules, rate limits off)
 * against the same build with the controls' hooks not registered
 * (bench/server.ts with MSGSTORE_BENCH_CONTROLS_OFF=1). Each server reads its own copy of one
 * seeded store, and both are loaded at the same time in each round, so that the machine's
 * drifting speed falls on both alike.
 *
 *   npm run bench:controls        (BENCH_CONTROLS_MESSAGES, BENCH_CONTROLS_SECONDS, BENCH_CONTROLS_ROUNDS,
 *                                 BENCH_SERVER_NODE_ARGS)
 *   BENCH_CONTROLS_SAME=1         both servers without the controls: the method's own spread
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { passwordLogin } from './lib/http.js'
import { type Measurement, measure } from './lib/load.js'
import { removeDir, runSeed, type Server, startServer, waitIdle } from './lib/processes.js'

const messages = Number(process.env.BENCH_CONTROLS_MESSAGES ?? 20_000)
const seconds = Number(process.env.BENCH_CONTROLS_SECONDS ?? 5)
const rounds = Number(process.env.BENCH_CONTROLS_ROUNDS ?? 8)
/** Both servers the same build without the controls (an A/A run): what the method reads as cost when there is none. */
const same = process.env.BENCH_CONTROLS_SAME === '1'
const CONNECTIONS = 32
/** Flags for both servers' node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (as for bench/run.ts). */
const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)

/** Starts a server over `dir` with the controls' hooks (`controls`) or without them. */
async function start(dir: string, controls: boolean): Promise<Server> {
  if (!controls || same) process.env.MSGSTORE_BENCH_CONTROLS_OFF = '1'
  try {
    return await startServer(dir, nodeArgs)
  } finally {
    delete process.env.MSGSTORE_BENCH_CONTROLS_OFF
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-controls-'))
try {
  const { summary } = await runSeed(path.join(dir, 'seeded'), {
    accounts: 1,
    extensionsPerAccount: 10,
    messages,
  })
  // Each server reads its own copy of the store: two processes over one SQLite file share
  // its lock and WAL index, and whichever took them first ran up to 10% faster.
  const copies = { on: path.join(dir, 'on'), off: path.join(dir, 'off') }
  for (const copy of Object.values(copies)) fs.cpSync(path.join(dir, 'seeded'), copy, { recursive: true })
  const user = summary.accounts[0]!.extensions[1]!
  const dateFrom = new Date(Date.now() - 40 * 86_400_000).toISOString()
  const request = async (baseUrl: string) => ({
    path: `/restapi/v1.0/account/~/extension/~/message-store?dateFrom=${dateFrom}&perPage=100`,
    headers: {
      authorization: `Bearer ${await passwordLogin(baseUrl, summary.app, user.phoneNumber, summary.password)}`,
    },
  })
  // Server CPU per answer (µs), printed beside: the figure least moved by other work.
  const cpuPerAnswer = (m: Measurement) => (1e6 * (m.serverCpu ?? 0)) / m.requestsPerSecond
  const ratios: number[] = []
  // Half the rounds with the server with controls started first, half the other way round:
  // whichever of two servers was started first ran 8–14% slower than the other in either
  // order, which the first bench of this kind counted as the controls' cost.
  for (const controlsFirst of [true, false]) {
    const first = await start(controlsFirst ? copies.on : copies.off, controlsFirst)
    const second = await start(controlsFirst ? copies.off : copies.on, !controlsFirst).catch(
      async (err: unknown) => {
        await first.stop()
        throw err
      },
    )
    const [on, off] = controlsFirst ? [first, second] : [second, first]
    try {
      await Promise.all([waitIdle(on.pid), waitIdle(off.pid)])
      const withControls = await request(on.baseUrl)
      const without = await request(off.baseUrl)
      // A first round, not counted: in it both servers ran at half their later speed and
      // their ratio strayed by up to 12% (compiling, filling caches).
      await Promise.all([
        measure(on.baseUrl, withControls, CONNECTIONS, seconds, 0),
        measure(off.baseUrl, without, CONNECTIONS, seconds, 0),
      ])
      for (let round = 1; round <= Math.ceil(rounds / 2); round++) {
        // Both servers at once, on the same core(s), each with its own connections: whatever
        // share of the cores other work leaves, the scheduler splits it evenly between two
        // busy processes, so their ratio is the ratio of their costs an answer. Loaded one
        // after the other, the machine's drift between the two steps went into the ratio.
        // The load generator started first in a round gave its server up to 3% more in a
        // run of two identical builds: each server's load is started first in half the rounds.
        const loadOn = () => measure(on.baseUrl, withControls, CONNECTIONS, seconds, 1, [on.pid])
        const loadOff = () => measure(off.baseUrl, without, CONNECTIONS, seconds, 1, [off.pid])
        const [a, b] =
          round % 2 === 1
            ? await Promise.all([loadOn(), loadOff()])
            : await Promise.all([loadOff(), loadOn()]).then(([x, y]) => [y, x] as const)
        if (a.non2xx + a.errors + b.non2xx + b.errors > 0) throw new Error('a request failed')
        ratios.push(a.requestsPerSecond / b.requestsPerSecond)
        console.log(
          `${controlsFirst ? 'controls started first' : 'controls started second'}, round ${round}: ` +
            `controls unused ${Math.round(a.requestsPerSecond)} req/s (p99 ${a.p99Ms} ms, ${cpuPerAnswer(a).toFixed(0)} µs CPU an answer), ` +
            `disabled ${Math.round(b.requestsPerSecond)} req/s (p99 ${b.p99Ms} ms, ${cpuPerAnswer(b).toFixed(0)} µs): ${(100 * ratios.at(-1)!).toFixed(1)}%`,
        )
      }
    } finally {
      await first.stop()
      await second.stop()
    }
  }
  const sorted = [...ratios].sort((x, y) => x - y)
  const median = (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.floor(sorted.length / 2)]!) / 2
  console.log(
    `list route at ${CONNECTIONS} connections, ${messages} messages: controls unused run at ${(100 * median).toFixed(1)}% ` +
      `of the build without them (median of ${ratios.length} rounds, both loaded at once, each started first in half of them; ` +
      `cost ${(100 * (1 - median)).toFixed(1)}%, target under 5%)${same ? ' [A/A run: both servers without the controls]' : ''}`,
  )
} finally {
  removeDir(dir)
}
