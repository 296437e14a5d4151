import type { Probe } from '../lib/http.js'
import type { LoadRequest, Measurement } from '../lib/load.js'
import type { SeedSummary } from '../lib/processes.js'

/** What a scenario may use to build its request. */
export interface BenchContext {
  baseUrl: string
  /** The server process (its CPU use is reported beside each figure). */
  serverPid: number
  /** Bearer token of the seeded user whose mailbox the scenarios read. */
  token: string
  /** When the run started (ms); seeded messages lie in the 30 days before. */
  now: number
  seed: SeedSummary
  /** The seeded user whose mailbox the scenarios read (and, for write scenarios, change). */
  user: SeedSummary['accounts'][number]['extensions'][number]
}

/** A pass/fail goal on one measurement of a scenario. */
export interface Target {
  /** The connection count the goal applies to. */
  connections: number
  label: string
  /** `ratio` is requests/s relative to the bare route at the same connection count. */
  pass(m: Measurement, ratio: number): boolean
}

/**
 * One request loaded at every connection count and compared with the bare route (a
 * precomputed body of the baseline page's size on the same server). To add one,
 * write a module beside list-messages.ts and list it in scenarios/index.ts.
 */
export interface Scenario {
  name: string
  request(ctx: BenchContext): LoadRequest
  /** A warning when the probe's answer is not what the scenario means to measure. */
  check?(probe: Probe): string | undefined
  targets?: Target[]
  /** Runs once before the scenario is probed and loaded: finds or stores the data it needs. */
  prepare?(ctx: BenchContext): Promise<void>
  /** Compare with a bare route answering as many bytes as this scenario does (large answers). */
  sameSizeBare?: boolean
}
