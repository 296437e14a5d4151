/**
 * The PostgreSQL half of `npm run bench` (run under scripts/with-postgres.sh, which
 * starts a throw-away cluster and sets MSGSTORE_TEST_DATABASE_URL): seeds a store in a
 * fresh database, then measures listMessages with one node and with three nodes on
 * that database, each beside the bare route of the same nodes, and writes
 * bench/results/postgres.json.
 *
 *   BENCH_PG_MESSAGES (200000) and BENCH_PG_EXTENSIONS (200): the store's size, with
 *   the same 1,000 messages per mailbox as the SQLite run; BENCH_SECONDS, BENCH_WARMUP
 *   and BENCH_CONNECTIONS as for bench/run.ts.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { passwordLogin, probe } from './lib/http.js'
import type { LoadRequest, Measurement } from './lib/load.js'
import { ROOT, removeDir, runSeed, type Server, startServer, waitIdle } from './lib/processes.js'
import {
  machine,
  type Row,
  seedLine,
  type TargetResult,
  table,
  targetLines,
  writeResults,
} from './lib/report.js'
import { readSettings } from './lib/settings.js'
import { spread } from './lib/spread.js'

const RESULTS_FILE = path.join(ROOT, 'bench/results/postgres.json')
const DAY = 24 * 60 * 60 * 1000
const PATH = '/restapi/v1.0/account/~/extension/~/message-store'
/** Alternating rounds of the uncached list and the bare route. */
const ROUNDS = 5

async function main(): Promise<void> {
  const serverUrl = process.env.MSGSTORE_TEST_DATABASE_URL
  if (!serverUrl)
    throw new Error('run under scripts/with-postgres.sh (MSGSTORE_TEST_DATABASE_URL is not set)')
  const settings = readSettings(process.env)
  const messages = Number(process.env.BENCH_PG_MESSAGES ?? 200_000)
  const extensions = Number(process.env.BENCH_PG_EXTENSIONS ?? 200)
  const accounts = Math.min(10, extensions)
  const database = await createDatabase(serverUrl, `msgstore_bench_${Date.now()}`)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-pg-'))
  const nodes: Server[] = []
  try {
    console.log(
      `PostgreSQL: seeding ${messages.toLocaleString('en-US')} messages over ${extensions} extensions`,
    )
    const { summary, wallSeconds } = await runSeed(dataDir, {
      accounts,
      extensionsPerAccount: extensions / accounts,
      messages,
      database,
    })
    const seed = {
      messages: summary.messages,
      accounts: summary.accounts.length,
      extensions,
      messagesPerSecond: summary.messagesPerSecond,
      messagesSeconds: summary.seconds.messages,
      setupSeconds: summary.seconds.setup,
      wallSeconds,
      loadAverage: os.loadavg()[0]!,
      reused: false,
      target: 0,
      pass: true,
    }
    console.log(seedLine(seed).replace(/; target.*$/, ''))

    nodes.push(await startServer(dataDir, settings.serverNodeArgs, database))
    await waitIdle(nodes[0]!.pid)
    const user = summary.accounts[0]!.extensions[1] ?? summary.accounts[0]!.extensions[0]!
    const token = await passwordLogin(nodes[0]!.baseUrl, summary.app, user.phoneNumber, summary.password)
    const now = Date.now()
    const headers = { authorization: `Bearer ${token}` }
    const list: LoadRequest = {
      path: `${PATH}?${new URLSearchParams({ dateFrom: new Date(now - 40 * DAY).toISOString(), perPage: '100' })}`,
      headers,
    }
    const uncached: LoadRequest = {
      path: list.path,
      headers,
      pathFor: (n) =>
        `${PATH}?${new URLSearchParams({ dateFrom: new Date(now - 40 * DAY - n).toISOString(), perPage: '100' })}`,
    }
    const page = await probe(`${nodes[0]!.baseUrl}${list.path}`, headers)
    if (page.status !== 200)
      throw new Error(`list answered ${page.status}: ${page.body.toString().slice(0, 200)}`)
    const bare: LoadRequest = { path: `/__bench/bare?bytes=${page.bytes}` }

    const rows: Row[] = []
    const run = async (label: string, request: LoadRequest, bareOf?: Map<number, Measurement>) => {
      const measured = new Map<number, Measurement>()
      for (const connections of settings.connections) {
        process.stdout.write(`  ${label} @${connections} … `)
        const m = await spread(nodes, request, connections, settings.seconds, settings.warmupSeconds)
        console.log(`${Math.round(m.requestsPerSecond)} req/s`)
        measured.set(connections, m)
        const base = bareOf?.get(connections)
        rows.push({
          scenario: label,
          bytes: page.bytes,
          measurement: m,
          ratioToBare: base ? m.requestsPerSecond / base.requestsPerSecond : 1,
        })
      }
      return measured
    }
    const targets: TargetResult[] = []
    /**
     * The uncached list in rounds alternating with the bare route: measured one after the
     * other, the machine's drifting free share of a core went into their ratio.
     */
    const paired = async (label: string, bareLabel: string) => {
      for (const connections of settings.connections) {
        process.stdout.write(`  ${label} @${connections}, beside the bare route in ${ROUNDS} rounds … `)
        const each = Math.max(1, Math.round(settings.seconds / ROUNDS))
        const rounds: [Measurement[], Measurement[]] = [[], []]
        if (settings.warmupSeconds > 0) {
          await spread(nodes, bare, connections, settings.warmupSeconds, 0)
          await spread(nodes, uncached, connections, settings.warmupSeconds, 0)
        }
        for (let i = 0; i < ROUNDS; i++) {
          rounds[0].push(await spread(nodes, bare, connections, each, 0))
          rounds[1].push(await spread(nodes, uncached, connections, each, 0))
        }
        const [b, m] = [combine(rounds[0]), combine(rounds[1])]
        const ratio = m.requestsPerSecond / b.requestsPerSecond
        console.log(
          `bare ${Math.round(b.requestsPerSecond)} req/s, uncached ${Math.round(m.requestsPerSecond)} req/s (${(100 * ratio).toFixed(1)}%), p99 ${m.p99Ms} ms`,
        )
        rows.push({ scenario: bareLabel, bytes: page.bytes, measurement: b, ratioToBare: 1 })
        rows.push({ scenario: label, bytes: page.bytes, measurement: m, ratioToBare: ratio })
        if (connections === 32)
          targets.push({
            scenario: label,
            connections,
            label: 'requests/s >= 8% of bare',
            pass: ratio >= 0.08,
          })
      }
    }
    const bare1 = await run('bare, 1 node', bare)
    await run('list unfiltered, 1 node', list, bare1)
    await paired('list uncached, 1 node', 'bare (paired), 1 node')
    for (let i = 0; i < 2; i++) nodes.push(await startServer(dataDir, settings.serverNodeArgs, database))
    await Promise.all(nodes.map((n) => waitIdle(n.pid)))
    const bare3 = await run('bare, 3 nodes', bare)
    await run('list unfiltered, 3 nodes', list, bare3)
    await paired('list uncached, 3 nodes', 'bare (paired), 3 nodes')

    console.log(`\nPostgreSQL\n${table(rows)}`)
    if (targets.length) console.log(`\n${targetLines(targets)}`)
    writeResults(RESULTS_FILE, {
      date: new Date(now).toISOString(),
      machine: machine(),
      settings: { ...settings, messages, extensions, database: 'postgres' },
      seed,
      rows,
      targets,
    })
    console.log(`\nwritten ${path.relative(process.cwd(), RESULTS_FILE)}`)
  } finally {
    await Promise.all(nodes.map((n) => n.stop()))
    removeDir(dataDir)
  }
}

/** Equal rounds summed: rates over all of them, p50 the median round's, p99 the worst. */
function combine(rounds: Measurement[]): Measurement {
  const sum = (f: (m: Measurement) => number) => rounds.reduce((total, m) => total + f(m), 0)
  const requests = sum((m) => m.requests)
  const p50s = rounds.map((m) => m.p50Ms).sort((x, y) => x - y)
  return {
    connections: rounds[0]!.connections,
    requestsPerSecond: sum((m) => m.requestsPerSecond) / rounds.length,
    p50Ms: p50s[Math.floor(p50s.length / 2)]!,
    p99Ms: Math.max(...rounds.map((m) => m.p99Ms)),
    meanMs: requests === 0 ? 0 : sum((m) => m.meanMs * m.requests) / requests,
    bytesPerSecond: sum((m) => m.bytesPerSecond) / rounds.length,
    requests,
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    generatorCpu: Math.max(...rounds.map((m) => m.generatorCpu)),
    serverCpu: sum((m) => m.serverCpu ?? 0) / rounds.length,
  }
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
