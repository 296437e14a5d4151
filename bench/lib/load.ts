import { corePlan, cpuSeconds } from './cores.js'
import { runWrk } from './wrk.js'

/**
 * The load of one bench step. Everything here is done by wrk (wrk.ts), natively and on
 * a core of its own: a fixed request, a fresh path for every request (computed here in
 * advance), bodies sent in turn. No scenario needs per-request logic beyond that, so
 * autocannon (in the bench process, on the server's cores) is no longer used.
 */
export interface LoadRequest {
  path: string
  headers?: Record<string, string>
  /** GET when absent. */
  method?: string
  /** Request bodies sent in turn (e.g. alternating changes, so every write changes something). */
  bodies?: string[]
  /** A fresh path for every request across all connections (e.g. queries that never repeat). */
  pathFor?: (n: number) => string
}

export interface Measurement {
  connections: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  bytesPerSecond: number
  requests: number
  /** Answers with a status of 400 or more. */
  non2xx: number
  errors: number
  timeouts: number
  /** The load generator's CPU use over the step, as a share of one core (1 = a whole core). */
  generatorCpu: number
  /** The servers' CPU use over the step, as a share of one core, when their pids were given. */
  serverCpu?: number
  /** Set when `pathFor` ran out of prepared paths and some were sent twice. */
  pathsRepeated?: boolean
}

/** Above this share of a core, the generator may be what limits the figure. */
export const GENERATOR_CPU_WARNING = 0.8

/** Paths prepared per second of a step: above any rate a list route reaches on one core. */
const PATHS_PER_SECOND = 25_000
/** Where each `pathFor` goes on from, so that the warm-up and later steps never repeat a path. */
const nextPath = new WeakMap<(n: number) => string, number>()

/** Loads one URL with `connections` keep-alive connections for `seconds`, after an unmeasured warm-up. */
export async function measure(
  baseUrl: string,
  request: LoadRequest,
  connections: number,
  seconds: number,
  warmupSeconds: number,
  /** Server processes whose CPU use to report beside the figure. */
  serverPids: number[] = [],
): Promise<Measurement> {
  if (warmupSeconds > 0) await measure(baseUrl, request, connections, warmupSeconds, 0)
  let paths: string[] | undefined
  const from = request.pathFor ? (nextPath.get(request.pathFor) ?? 0) : 0
  if (request.pathFor) {
    const pathFor = request.pathFor
    paths = Array.from({ length: seconds * PATHS_PER_SECOND }, (_, i) => pathFor(from + i))
  }
  const serverBefore = serverCpuSeconds(serverPids)
  const result = await runWrk(baseUrl, { ...request, paths }, connections, seconds)
  const serverAfter = serverCpuSeconds(serverPids)
  // Requests still in flight at the end were sent too: skip past them.
  if (request.pathFor) nextPath.set(request.pathFor, from + result.requests + connections)
  const m: Measurement = {
    connections,
    requestsPerSecond: result.requests / result.seconds,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    meanMs: result.meanMs,
    bytesPerSecond: result.bytes / result.seconds,
    requests: result.requests,
    non2xx: result.statusErrors,
    errors: result.socketErrors,
    timeouts: result.timeouts,
    generatorCpu: result.cpuSeconds / result.seconds,
  }
  if (serverBefore !== undefined && serverAfter !== undefined)
    m.serverCpu = (serverAfter - serverBefore) / result.seconds
  if (paths && result.requests + connections > paths.length) m.pathsRepeated = true
  return m
}

function serverCpuSeconds(pids: number[]): number | undefined {
  if (pids.length === 0) return undefined
  let total = 0
  for (const pid of pids) {
    const s = cpuSeconds(pid)
    if (s === undefined) return undefined
    total += s
  }
  return total
}

/** A line about the generator's CPU when it may have limited the figure, else undefined. */
export function generatorWarning(m: Measurement): string | undefined {
  const notes: string[] = []
  const cores = corePlan().generatorThreads
  if (m.generatorCpu > GENERATOR_CPU_WARNING * cores)
    notes.push(
      `load generator at ${Math.round(m.generatorCpu * 100)}% of a core: it may be what limits this figure`,
    )
  if (m.pathsRepeated) notes.push('more requests than prepared paths: some queries repeated')
  return notes.length ? notes.join('; ') : undefined
}

/** One measured load: a server and a request, run for some seconds. */
export type Load = () => Promise<Measurement>

/**
 * Runs two loads in turn for `rounds` rounds each and answers each one's rounds.
 * `abab` starts every round with `a`; `abba` starts rounds 0 and 3 of every four with
 * `a` and rounds 1 and 2 with `b`, so that neither load always follows the other.
 *
 * Why alternate: on a shared machine the speed available drifts over a minute; measuring
 * one load for ten seconds and then the other for ten seconds puts that drift into their
 * ratio. Alternating short rounds gives both the same conditions.
 */
export async function alternate(
  a: Load,
  b: Load,
  rounds: number,
  order: 'abab' | 'abba' = 'abab',
): Promise<[Measurement[], Measurement[]]> {
  const measured: [Measurement[], Measurement[]] = [[], []]
  for (let round = 0; round < rounds; round++) {
    const aFirst = order === 'abab' || round % 4 === 0 || round % 4 === 3
    for (const which of aFirst ? [0, 1] : [1, 0]) measured[which]!.push(await (which === 0 ? a : b)())
  }
  return measured
}

/**
 * Loads two requests of one server in alternating rounds (a, b, a, b, …) for `seconds`
 * each in all, after an unmeasured warm-up of both, and sums each one's rounds.
 */
export async function measurePaired(
  baseUrl: string,
  a: LoadRequest,
  b: LoadRequest,
  connections: number,
  seconds: number,
  warmupSeconds: number,
  rounds: number,
  serverPids: number[] = [],
): Promise<[Measurement, Measurement]> {
  if (warmupSeconds > 0) {
    await measure(baseUrl, a, connections, warmupSeconds, 0)
    await measure(baseUrl, b, connections, warmupSeconds, 0)
  }
  const each = Math.max(1, Math.round(seconds / rounds))
  const [ma, mb] = await alternate(
    () => measure(baseUrl, a, connections, each, 0, serverPids),
    () => measure(baseUrl, b, connections, each, 0, serverPids),
    rounds,
  )
  return [combine(ma, each), combine(mb, each)]
}

/** One measurement of several equal rounds: totals and rates over all, p50 the median round's, p99 the worst. */
export function combine(rounds: Measurement[], secondsEach: number): Measurement {
  const sum = (f: (m: Measurement) => number) => rounds.reduce((s, m) => s + f(m), 0)
  const requests = sum((m) => m.requests)
  const p50s = rounds.map((m) => m.p50Ms).sort((x, y) => x - y)
  return {
    connections: rounds[0]!.connections,
    requestsPerSecond: requests / (secondsEach * rounds.length),
    p50Ms: p50s[Math.floor(p50s.length / 2)]!,
    p99Ms: Math.max(...rounds.map((m) => m.p99Ms)),
    meanMs: requests === 0 ? 0 : sum((m) => m.meanMs * m.requests) / requests,
    bytesPerSecond: sum((m) => m.bytesPerSecond) / rounds.length,
    requests,
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    generatorCpu: Math.max(...rounds.map((m) => m.generatorCpu)),
    ...(rounds.every((m) => m.serverCpu !== undefined)
      ? { serverCpu: sum((m) => m.serverCpu!) / rounds.length }
      : {}),
    ...(rounds.some((m) => m.pathsRepeated) ? { pathsRepeated: true } : {}),
  }
}
