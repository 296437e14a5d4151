import { corePlan } from '../lib/cores.js'
import type { LoadRequest, Measurement } from '../lib/load.js'
import { type Server, startServer, waitIdle } from '../lib/processes.js'
import type { Row } from '../lib/report.js'
import { spread } from '../lib/spread.js'
import { listUnfilteredUncached } from './list-messages.js'
import type { BenchContext } from './scenario.js'

/**
 * Several server processes over one SQLite store (docs/processes.md): the uncached list
 * with one process and with two on the same data folder, each beside the bare route of
 * the same processes. The load is spread over the processes (each on its own port).
 */
export async function processesStep(
  ctx: BenchContext,
  dataDir: string,
  serverNodeArgs: string[],
  bareRequest: LoadRequest,
  settings: { connections: number[]; seconds: number; warmupSeconds: number },
): Promise<{ rows: Row[]; note: string }> {
  const plan = corePlan()
  const note =
    plan.server === undefined || !/[-,]/.test(plan.server)
      ? `note: the server processes share ${plan.server === undefined ? 'the cores with the load generator' : `core ${plan.server}`} (${plan.cpus} CPUs, the last one the generator's): a second process cannot add throughput here, only show that the processes share the store correctly`
      : `server processes on cores ${plan.server}, the generator on ${plan.generator}`
  const base = listUnfilteredUncached.request(ctx)
  const pathFor = base.pathFor!
  // Numbers far from the uncached scenario's own, so that no query of it repeats.
  const uncached: LoadRequest = { ...base, pathFor: (n) => pathFor(n + 100_000_000) }
  const rows: Row[] = []
  // Both started as docs/processes.md says; the bench's own server stays idle meanwhile.
  const nodes: Server[] = []
  try {
    for (let i = 0; i < 2; i++) {
      nodes.push(await startServer(dataDir, serverNodeArgs, undefined, ['--shared-store']))
      await waitIdle(nodes[i]!.pid)
    }
    for (const count of [1, 2]) {
      const using = nodes.slice(0, count)
      for (const connections of settings.connections) {
        const label = `${count} process${count > 1 ? 'es' : ''}`
        process.stdout.write(`processes: bare and list uncached, ${label} @${connections} … `)
        const bare: Measurement = await spread(
          using,
          bareRequest,
          connections,
          settings.seconds,
          settings.warmupSeconds,
        )
        const list = await spread(using, uncached, connections, settings.seconds, settings.warmupSeconds)
        console.log(
          `bare ${Math.round(bare.requestsPerSecond)} req/s, list ${Math.round(list.requestsPerSecond)} req/s`,
        )
        rows.push({ scenario: `bare, ${label}`, bytes: 0, measurement: bare, ratioToBare: 1 })
        rows.push({
          scenario: `list unfiltered, uncached, ${label}`,
          bytes: 0,
          measurement: list,
          ratioToBare: list.requestsPerSecond / bare.requestsPerSecond,
        })
      }
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()))
  }
  return { rows, note }
}
