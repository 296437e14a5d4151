import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { corePlan, cpuSeconds, pinned } from './cores.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const MAIN = path.join(ROOT, 'dist/main.js')
/** msgstore with the bench's routes (server.ts); it runs the built dist/ code. */
const BENCH_SERVER = ['--import', 'tsx', path.join(ROOT, 'bench/server.ts')]
/** The admin token of the bench server (scenarios that store their own data use the admin API). */
export const ADMIN_TOKEN = 'bench-admin'

/** The JSON summary `msgstore seed --json` prints. */
export interface SeedSummary {
  app: { clientId: string; clientSecret: string }
  password: string
  messages: number
  byKind: Record<string, number>
  attachments: number
  conversations: number
  blobs: { count: number; bytes: number }
  seconds: { setup: number; messages: number }
  messagesPerSecond: number
  accounts: {
    id: string
    name: string
    mainNumber: string
    extensions: { id: string; extensionNumber: string; name: string; role: string; phoneNumber: string }[]
  }[]
}

/** Runs `msgstore seed` into `dataDir`; the progress bar shows on this terminal. */
export async function runSeed(
  dataDir: string,
  opts: { accounts: number; extensionsPerAccount: number; messages: number; database?: string },
): Promise<{ summary: SeedSummary; wallSeconds: number }> {
  const args = [
    MAIN,
    'seed',
    '--data',
    dataDir,
    ...(opts.database ? ['--database', opts.database] : []),
    '--accounts',
    String(opts.accounts),
    '--extensions',
    String(opts.extensionsPerAccount),
    '--messages',
    String(opts.messages),
    '--json',
  ]
  const started = performance.now()
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`msgstore seed exited with ${code}:\n${out}`)
  return { summary: JSON.parse(out) as SeedSummary, wallSeconds: (performance.now() - started) / 1000 }
}

export interface Server {
  baseUrl: string
  pid: number
  stop(): Promise<void>
}

/** Starts `msgstore serve` on a free port with the bench routes and waits for its ready line. */
export async function startServer(
  dataDir: string,
  nodeArgs: string[],
  database?: string,
  extraArgs: string[] = [],
): Promise<Server> {
  const args = [
    ...nodeArgs,
    ...BENCH_SERVER,
    'serve',
    '--port',
    '0',
    '--data',
    dataDir,
    ...(database ? ['--database', database] : []),
    '--no-demo',
    '--admin-token',
    ADMIN_TOKEN,
    ...extraArgs,
  ]
  // On the servers' cores, away from the load generator's (cores.ts).
  const [command, argv] = pinned(corePlan().server, process.execPath, args)
  const child: ChildProcess = spawn(command, argv, {
    env: { ...process.env, MSGSTORE_LOG_LEVEL: 'warn' },
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /msgstore listening on (\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
  })
  // Keep draining the pipes so the server never blocks on a full one.
  child.stdout!.resume()
  child.stderr!.resume()
  return {
    baseUrl,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}

/**
 * Waits until the server has nothing to do: below `busy` of a core over `window` ms.
 * A freshly seeded store gives its background jobs (retention sweep…) work at start,
 * which must not land in the first measurement. Answers the seconds waited.
 */
export async function waitIdle(pid: number, busy = 0.05, window = 2000, limit = 180_000): Promise<number> {
  const started = performance.now()
  let before = cpuSeconds(pid)
  if (before === undefined) return 0
  while (performance.now() - started < limit) {
    await new Promise((resolve) => setTimeout(resolve, window))
    const after = cpuSeconds(pid)
    if (after === undefined) return 0
    if ((after - before) / (window / 1000) < busy) break
    before = after
  }
  return (performance.now() - started) / 1000
}
