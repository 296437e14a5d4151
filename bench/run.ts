/**
 * `npm run bench`: seeds a store, starts the real server (pinned to its own cores), and
 * loads listMessages with wrk (on a core of its own, lib/wrk.ts),
 * bulk updates and attachment downloads (bench/scenarios) beside a bare route of the
 * same server that answers a precomputed body of the same size. Prints a table and
 * writes bench/results/latest.json.
 *
 * Environment:
 *   BENCH_MESSAGES (1000000), BENCH_EXTENSIONS (1000), BENCH_ACCOUNTS (10)
 *   BENCH_SECONDS (10) per step, BENCH_WARMUP (2) unmeasured seconds before each
 *   BENCH_CONNECTIONS (1,32)
 *   BENCH_DATA=DIR  seed into DIR and keep it; a later run with the same DIR reuses it
 *   BENCH_KEEP=1    keep the temporary data folder
 *   BENCH_ONLY=name,…  run only the scenarios whose names contain one of these (the bare route always runs);
 *     `processes` (the uncached list with one and two server processes over the store) and
 *     `export` run when BENCH_ONLY is empty or names them
 *   (`export`, the message store export step of bench/export.ts, runs when BENCH_ONLY is empty or names it;
 *   BENCH_EXPORT_* there)
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"  flags for the server's node
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type ExportBenchResult, runExportBench } from './export.js'
import { passwordLogin, probe } from './lib/http.js'
import { generatorWarning, type LoadRequest, type Measurement, measure, measurePaired } from './lib/load.js'
import {
  ROOT,
  removeDir,
  runSeed,
  type SeedSummary,
  type Server,
  startServer,
  waitIdle,
} from './lib/processes.js'
import {
  machine,
  type Results,
  type Row,
  SEED_TARGET,
  type SeedFigures,
  seedLine,
  type TargetResult,
  table,
  targetLines,
  writeResults,
} from './lib/report.js'
import { readSettings, type Settings } from './lib/settings.js'
import { BASELINE_SIZE_FROM, SCENARIOS } from './scenarios/index.js'
import { processesStep } from './scenarios/processes.js'
import type { BenchContext } from './scenarios/scenario.js'

const RESULTS_FILE = path.join(ROOT, 'bench/results/latest.json')
/** Rounds of a paired step (a scenario beside its same-size bare route). */
const PAIRED_ROUNDS = 5
const SEED_FILE = 'bench-seed.json'

async function main(): Promise<void> {
  const settings = readSettings(process.env)
  const startedAt = new Date()
  const load = os.loadavg()[0]!
  if (load > 0.5)
    console.warn(
      `note: load average ${load.toFixed(1)} on ${os.cpus().length} CPUs: other work competes with the bench`,
    )
  const dataDir = settings.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-'))
  let server: Server | undefined
  try {
    const { summary, seed } = await seedStore(dataDir, settings)
    console.log(seedLine(seed))

    server = await startServer(dataDir, settings.serverNodeArgs)
    const settled = await waitIdle(server.pid)
    console.log(
      `server ${server.baseUrl} idle after ${settled.toFixed(0)} s (background work on the new store)`,
    )
    const account = summary.accounts[0]!
    const user = account.extensions[1] ?? account.extensions[0]!
    const token = await passwordLogin(server.baseUrl, summary.app, user.phoneNumber, summary.password)
    const ctx: BenchContext = {
      baseUrl: server.baseUrl,
      serverPid: server.pid,
      token,
      now: Date.now(),
      seed: summary,
      user,
    }
    console.log(`reading the mailbox of ${user.name} (${user.phoneNumber}, extension ${user.id})`)

    const scenarios = SCENARIOS.filter(
      (s) => settings.only.length === 0 || settings.only.some((o) => s.name.includes(o)),
    )
    const baselineProbe = await probeScenario(ctx, BASELINE_SIZE_FROM)
    const bareRequest = { path: `/__bench/bare?bytes=${baselineProbe.bytes}` }
    const bareProbe = await probe(`${ctx.baseUrl}${bareRequest.path}`, {})
    if (bareProbe.status !== 200 || bareProbe.bytes !== baselineProbe.bytes) {
      throw new Error(`bare route answered ${bareProbe.status} with ${bareProbe.bytes} bytes`)
    }

    const rows: Row[] = []
    const bare = new Map<number, Measurement>()
    for (const connections of settings.connections) {
      const m = await step('bare', bareRequest, connections, settings, ctx)
      bare.set(connections, m)
      rows.push({ scenario: 'bare', bytes: bareProbe.bytes, measurement: m, ratioToBare: 1 })
    }
    const targets: TargetResult[] = []
    for (const scenario of scenarios) {
      await scenario.prepare?.(ctx)
      const request = scenario.request(ctx)
      const checked = await probe(`${ctx.baseUrl}${request.path}`, request.headers ?? {}, request)
      const warning = scenario.check?.(checked)
      for (const connections of settings.connections) {
        let m: Measurement
        let baseline: Measurement
        if (scenario.sameSizeBare) {
          // Large answers: beside a bare route of the same size, loaded in alternating rounds.
          const sized = { path: `/__bench/bare?bytes=${checked.bytes}` }
          ;[baseline, m] = await pairedStep(
            `bare ${checked.bytes} B`,
            sized,
            scenario.name,
            request,
            connections,
            settings,
            ctx,
          )
          rows.push({
            scenario: `bare ${checked.bytes} B`,
            bytes: checked.bytes,
            measurement: baseline,
            ratioToBare: 1,
          })
        } else {
          m = await step(scenario.name, request, connections, settings, ctx)
          baseline = bare.get(connections)!
        }
        const ratio = m.requestsPerSecond / baseline.requestsPerSecond
        rows.push({
          scenario: scenario.name,
          bytes: checked.bytes,
          measurement: m,
          ratioToBare: ratio,
          warning,
        })
        for (const target of scenario.targets ?? []) {
          if (target.connections !== connections) continue
          targets.push({
            scenario: scenario.name,
            connections,
            label: target.label,
            pass: target.pass(m, ratio),
          })
        }
      }
    }

    // Two server processes over the same store (scenarios/processes.ts).
    let processesNote: string | undefined
    if (settings.only.length === 0 || settings.only.includes('processes')) {
      const step = await processesStep(ctx, dataDir, settings.serverNodeArgs, bareRequest, settings)
      rows.push(...step.rows.map((r) => ({ ...r, bytes: bareProbe.bytes })))
      processesNote = step.note
    }

    // Message store exports (bench/export.ts): a store and server of their own.
    const exported =
      settings.only.length === 0 || settings.only.includes('export')
        ? await runExportBench(settings.serverNodeArgs)
        : undefined
    if (exported) targets.push(...exported.targets)

    console.log(`\n${seedLine(seed)}\n`)
    console.log(table(rows))
    if (processesNote) console.log(processesNote)
    if (exported) console.log(`\n${exported.lines.join('\n')}`)
    console.log(`\n${targetLines(targets)}`)
    const results: Results & { export?: ExportBenchResult } = {
      date: startedAt.toISOString(),
      machine: machine(),
      settings: { ...settings, dataDir: settings.dataDir ?? null },
      seed,
      rows,
      targets,
      ...(exported ? { export: exported.result } : {}),
    }
    writeResults(RESULTS_FILE, results)
    console.log(`\nwritten ${path.relative(process.cwd(), RESULTS_FILE)}`)
  } finally {
    await server?.stop()
    if (!settings.keepData) removeDir(dataDir)
    else console.log(`data kept in ${dataDir}`)
  }
}

/** Seeds `dataDir`, or reuses it when an earlier run with BENCH_DATA seeded it. */
async function seedStore(
  dataDir: string,
  settings: Settings,
): Promise<{ summary: SeedSummary; seed: SeedFigures }> {
  const saved = path.join(dataDir, SEED_FILE)
  if (settings.dataDir && fs.existsSync(saved)) {
    const summary = JSON.parse(fs.readFileSync(saved, 'utf8')) as SeedSummary & { loadAverage?: number }
    return { summary, seed: { ...seedFigures(summary, true), loadAverage: summary.loadAverage } }
  }
  console.log(
    `seeding ${settings.messages.toLocaleString('en-US')} messages over ${settings.extensions} extensions (${settings.accounts} accounts) in ${dataDir}`,
  )
  const { summary, wallSeconds } = await runSeed(dataDir, {
    accounts: settings.accounts,
    extensionsPerAccount: settings.extensions / settings.accounts,
    messages: settings.messages,
  })
  const loadAverage = os.loadavg()[0]!
  // Kept beside the summary so that a run reusing the store still prints the seed's load.
  fs.writeFileSync(saved, JSON.stringify({ ...summary, loadAverage }))
  return { summary, seed: { ...seedFigures(summary, false), wallSeconds, loadAverage } }
}

function seedFigures(summary: SeedSummary, reused: boolean): SeedFigures {
  return {
    messages: summary.messages,
    accounts: summary.accounts.length,
    extensions: summary.accounts.reduce((sum, a) => sum + a.extensions.length, 0),
    messagesPerSecond: summary.messagesPerSecond,
    messagesSeconds: summary.seconds.messages,
    setupSeconds: summary.seconds.setup,
    reused,
    target: SEED_TARGET,
    pass: summary.messagesPerSecond >= SEED_TARGET,
  }
}

async function probeScenario(ctx: BenchContext, scenario: (typeof SCENARIOS)[number]) {
  const request = scenario.request(ctx)
  const answer = await probe(`${ctx.baseUrl}${request.path}`, request.headers ?? {})
  const warning = scenario.check?.(answer)
  if (answer.status !== 200) throw new Error(`${scenario.name}: ${warning}`)
  if (warning) console.warn(`warning: ${scenario.name}: ${warning}`)
  return answer
}

async function step(
  name: string,
  request: LoadRequest,
  connections: number,
  settings: Settings,
  ctx: BenchContext,
): Promise<Measurement> {
  process.stdout.write(`${name} @${connections} connections: ${settings.seconds} s … `)
  const m = await measure(ctx.baseUrl, request, connections, settings.seconds, settings.warmupSeconds, [
    ctx.serverPid,
  ])
  console.log(
    `${Math.round(m.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, generator ${Math.round(m.generatorCpu * 100)}% of a core, server ${Math.round((m.serverCpu ?? 0) * 100)}%${m.non2xx || m.errors ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : ''}`,
  )
  const warning = generatorWarning(m)
  if (warning) console.warn(`warning: ${warning}`)
  return m
}

/** `bare` and the scenario's request in alternating rounds (see measurePaired). */
async function pairedStep(
  bareName: string,
  bare: LoadRequest,
  name: string,
  request: LoadRequest,
  connections: number,
  settings: Settings,
  ctx: BenchContext,
): Promise<[Measurement, Measurement]> {
  process.stdout.write(
    `${name} @${connections} connections, beside ${bareName}: ${PAIRED_ROUNDS} alternating rounds of ${settings.seconds} s in all … `,
  )
  const [b, m] = await measurePaired(
    ctx.baseUrl,
    bare,
    request,
    connections,
    settings.seconds,
    settings.warmupSeconds,
    PAIRED_ROUNDS,
    [ctx.serverPid],
  )
  console.log(
    `bare ${Math.round(b.requestsPerSecond).toLocaleString('en-US')} req/s, ${name} ${Math.round(m.requestsPerSecond).toLocaleString('en-US')} req/s, p99 ${m.p99Ms} ms${m.non2xx || m.errors ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : ''}`,
  )
  return [b, m]
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err)
  process.exit(1)
})
