/**
 * The cost of the test controls when unused: the list route (unfiltered, perPage 100, the
 * polling shape) on a server as shipped (journal on, no fault rules, rate limits off)
 * against the same build with the controls' hooks not registered
 * (MSGSTORE_BENCH_CONTROLS_OFF=1). Both servers read one seeded store; rounds alternate
 * between them so that the machine's drifting speed falls on both alike.
 *
 *   npm run bench:controls        (BENCH_CONTROLS_MESSAGES, BENCH_CONTROLS_SECONDS, BENCH_CONTROLS_ROUNDS)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { passwordLogin } from './lib/http.js'
import { measure } from './lib/load.js'
import { removeDir, runSeed, startServer } from './lib/processes.js'

const messages = Number(process.env.BENCH_CONTROLS_MESSAGES ?? 20_000)
const seconds = Number(process.env.BENCH_CONTROLS_SECONDS ?? 5)
const rounds = Number(process.env.BENCH_CONTROLS_ROUNDS ?? 5)
const CONNECTIONS = 32

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-controls-'))
try {
  const { summary } = await runSeed(dir, { accounts: 1, extensionsPerAccount: 10, messages })
  const user = summary.accounts[0]!.extensions[1]!
  const on = await startServer(dir, [])
  process.env.MSGSTORE_BENCH_CONTROLS_OFF = '1'
  const off = await startServer(dir, [])
  delete process.env.MSGSTORE_BENCH_CONTROLS_OFF
  try {
    const dateFrom = new Date(Date.now() - 40 * 86_400_000).toISOString()
    const request = async (baseUrl: string) => ({
      path: `/restapi/v1.0/account/~/extension/~/message-store?dateFrom=${dateFrom}&perPage=100`,
      headers: {
        authorization: `Bearer ${await passwordLogin(baseUrl, summary.app, user.phoneNumber, summary.password)}`,
      },
    })
    const withControls = await request(on.baseUrl)
    const without = await request(off.baseUrl)
    const ratios: number[] = []
    for (let round = 1; round <= rounds; round++) {
      const a = await measure(on.baseUrl, withControls, CONNECTIONS, seconds, 1)
      const b = await measure(off.baseUrl, without, CONNECTIONS, seconds, 1)
      if (a.non2xx + a.errors + b.non2xx + b.errors > 0) throw new Error('a request failed')
      ratios.push(a.requestsPerSecond / b.requestsPerSecond)
      console.log(
        `round ${round}: controls unused ${Math.round(a.requestsPerSecond)} req/s (p99 ${a.p99Ms} ms), ` +
          `disabled ${Math.round(b.requestsPerSecond)} req/s (p99 ${b.p99Ms} ms): ${(100 * ratios.at(-1)!).toFixed(1)}%`,
      )
    }
    const sorted = [...ratios].sort((x, y) => x - y)
    const median = sorted[Math.floor(sorted.length / 2)]!
    console.log(
      `list route at ${CONNECTIONS} connections, ${messages} messages: controls unused run at ${(100 * median).toFixed(1)}% ` +
        `of the build without them (median of ${rounds} rounds; cost ${(100 * (1 - median)).toFixed(1)}%, target under 5%)`,
    )
  } finally {
    await on.stop()
    await off.stop()
  }
} finally {
  removeDir(dir)
}
