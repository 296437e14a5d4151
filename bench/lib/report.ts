import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { generatorWarning, type Measurement } from './load.js'

export const SEED_TARGET = 30_000

export interface Row {
  scenario: string
  /** Size of one answer, from the probe. */
  bytes: number
  measurement: Measurement
  /** requests/s over the bare route's at the same connection count; 1 for the bare route itself. */
  ratioToBare: number | null
  warning?: string
}

export interface TargetResult {
  scenario: string
  connections: number
  label: string
  pass: boolean
}

export interface SeedFigures {
  messages: number
  accounts: number
  extensions: number
  /** Messages per second while writing messages (the seed command's own figure). */
  messagesPerSecond: number
  messagesSeconds: number
  setupSeconds: number
  /** The whole `msgstore seed` process, start to exit; undefined when an existing store was reused. */
  wallSeconds?: number
  reused: boolean
  /** The machine's 1-minute load average when the seed ended: other work competing for its cores. */
  loadAverage?: number
  target: number
  pass: boolean
}

export interface Results {
  date: string
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage: number[] }
  settings: Record<string, unknown>
  seed: SeedFigures
  rows: Row[]
  targets: TargetResult[]
}

export function machine(): Results['machine'] {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

const n = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL')

export function seedLine(seed: SeedFigures): string {
  if (seed.reused)
    return `seed: reused an existing store of ${n(seed.messages)} messages (seeded at ${n(seed.messagesPerSecond)} messages/s${seed.loadAverage === undefined ? '' : ` at load average ${n(seed.loadAverage, 1)}`})`
  return (
    `seed: ${n(seed.messages)} messages over ${n(seed.extensions)} extensions in ${n(seed.messagesSeconds, 1)} s` +
    ` (setup ${n(seed.setupSeconds, 1)} s, process ${n(seed.wallSeconds ?? 0, 1)} s):` +
    ` ${n(seed.messagesPerSecond)} messages/s` +
    (seed.loadAverage === undefined
      ? ''
      : ` at load average ${n(seed.loadAverage, 1)} on ${os.cpus().length} CPUs`) +
    `; target >= ${n(seed.target)}/s (quiet machine): ${verdict(seed.pass)}`
  )
}

export function table(rows: Row[]): string {
  const header = [
    'scenario',
    'conns',
    'req/s',
    'p50 ms',
    'p99 ms',
    'vs bare',
    'gen CPU',
    'server CPU',
    'server µs/req',
    'bytes',
    'non-2xx',
    'errors',
  ]
  const lines = rows.map((r) => [
    r.scenario,
    String(r.measurement.connections),
    n(r.measurement.requestsPerSecond),
    n(r.measurement.p50Ms, 1),
    n(r.measurement.p99Ms, 1),
    r.ratioToBare === null ? '-' : `${n(r.ratioToBare * 100, 1)}%`,
    `${n(r.measurement.generatorCpu * 100)}%`,
    r.measurement.serverCpu === undefined ? '-' : `${n(r.measurement.serverCpu * 100)}%`,
    r.measurement.serverCpu === undefined
      ? '-'
      : n((r.measurement.serverCpu * 1e6) / Math.max(1, r.measurement.requestsPerSecond)),
    n(r.bytes),
    String(r.measurement.non2xx),
    String(r.measurement.errors),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  const out = [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)]
  for (const r of rows) {
    const warnings = [r.warning, generatorWarning(r.measurement)].filter(Boolean)
    for (const w of warnings) out.push(`warning: ${r.scenario} @${r.measurement.connections}: ${w}`)
  }
  out.push(
    "(gen CPU, server CPU: each one's CPU use as a share of one core; above 80% the generator may limit the figure.",
    ' server µs/req: CPU the server spent per answer, the figure least moved by other work on the machine)',
  )
  return out.join('\n')
}

export function targetLines(targets: TargetResult[]): string {
  return targets
    .map((t) => `target ${t.scenario} @${t.connections} connections: ${t.label}: ${verdict(t.pass)}`)
    .join('\n')
}

export function writeResults(file: string, results: Results): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
}
