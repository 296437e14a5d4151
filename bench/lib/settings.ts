/** What a bench run does, from environment variables (see bench/run.ts for the list). */
export interface Settings {
  messages: number
  extensions: number
  accounts: number
  /** Seconds each load step runs. */
  seconds: number
  /** Seconds of load before each step, not measured (JIT, caches). */
  warmupSeconds: number
  connections: number[]
  /** Reuse or keep this data folder instead of a temporary one. */
  dataDir?: string
  keepData: boolean
  /** Extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  serverNodeArgs: string[]
  /** Scenario names (or prefixes) to run; all when empty. */
  only: string[]
}

type Env = Record<string, string | undefined>

function integer(env: Env, name: string, fallback: number, min: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text.replace(/_/g, ''))
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${name}: expected an integer of at least ${min}`)
  return value
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

export function readSettings(env: Env): Settings {
  const extensions = integer(env, 'BENCH_EXTENSIONS', 1000, 1)
  const accounts = integer(env, 'BENCH_ACCOUNTS', Math.min(10, extensions), 1)
  if (extensions % accounts !== 0) throw new Error('BENCH_EXTENSIONS must be a multiple of BENCH_ACCOUNTS')
  const connections = list(env.BENCH_CONNECTIONS ?? '1,32').map(Number)
  if (connections.some((c) => !Number.isInteger(c) || c < 1))
    throw new Error('BENCH_CONNECTIONS: expected integers')
  return {
    messages: integer(env, 'BENCH_MESSAGES', 1_000_000, 1),
    extensions,
    accounts,
    seconds: integer(env, 'BENCH_SECONDS', 10, 1),
    warmupSeconds: integer(env, 'BENCH_WARMUP', 2, 0),
    connections,
    dataDir: env.BENCH_DATA || undefined,
    keepData: /^(1|true|yes)$/i.test(env.BENCH_KEEP ?? '') || Boolean(env.BENCH_DATA),
    serverNodeArgs: (env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    only: list(env.BENCH_ONLY),
  }
}
