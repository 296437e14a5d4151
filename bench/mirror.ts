/**
 * The mirror step of `npm run bench`: a source msgstore seeded with messages of every
 * type (attachments included), mirrored into an empty local store by `msgstore mirror
 * --once` over HTTP; messages per second mirrored, beside the source's own export of the
 * same messages (`msgstore export`, archives written straight from its store) in the
 * same run.
 *
 * Then the mirror is left following the source, and the delay from the source's answer
 * to an inbound message to its local copy being listed is timed over a few dozen
 * messages (p50, p99).
 *
 * Runs on its own too: `npm run build && node --import tsx bench/mirror.ts [messages]`.
 *
 * The size: the argument, else BENCH_MIRROR_MESSAGES, else 10,000 (the issue names
 * 100,000: `node --import tsx bench/mirror.ts 100000` takes many minutes on a small
 * shared machine, so the default is scaled down and printed). Environment:
 * BENCH_MIRROR_EXTENSIONS (10), BENCH_MIRROR_CONCURRENCY (4).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ADMIN_TOKEN, ROOT, removeDir, runSeed, startServer } from './lib/processes.js'

const MAIN = path.join(ROOT, 'dist/main.js')
/** What the whole step (seed, export, mirror, latency) does in about two minutes on the 2-core machine. */
const DEFAULT_MESSAGES = 10_000

export interface MirrorBenchResult {
  messages: number
  extensions: number
  mirror: { seconds: number; messagesPerSecond: number }
  export: { seconds: number; messagesPerSecond: number }
  /** From the source's answer to an inbound message to the local copy being listed, in ms. */
  latency: { messages: number; p50: number; p99: number; max: number }
}

/** Inbound messages whose way to the local copy is timed, one after the other. */
const LATENCY_MESSAGES = 40

function cli(args: string[]): Promise<{ stdout: string; seconds: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`msgstore ${args[0]} failed: ${err.message}\n${stdout}\n${stderr}`))
          : resolve({ stdout: String(stdout), seconds: (performance.now() - started) / 1000 }),
    ),
  )
}

export async function runMirrorBench(env = process.env, size?: number): Promise<MirrorBenchResult> {
  const messages = size ?? Number(env.BENCH_MIRROR_MESSAGES ?? DEFAULT_MESSAGES)
  const extensions = Number(env.BENCH_MIRROR_EXTENSIONS ?? 10)
  const concurrency = env.BENCH_MIRROR_CONCURRENCY ?? '4'
  const sourceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-mirror-source-'))
  const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-mirror-local-'))
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-mirror-export-'))
  try {
    const { summary } = await runSeed(sourceDir, { accounts: 1, extensionsPerAccount: extensions, messages })
    const account = summary.accounts[0]!
    const admin = account.extensions.find((e) => e.role === 'SuperAdmin')!

    // The baseline: the source's own export of every message, straight from its store.
    const exported = await cli([
      'export',
      '--data',
      sourceDir,
      '--account',
      account.id,
      '--from',
      '1970-01-01T00:00:00Z',
      '--out',
      outDir,
      '--json',
    ])
    const exportedMessages = (JSON.parse(exported.stdout) as { messages: number }).messages

    const source = await startServer(sourceDir, [])
    try {
      const res = await fetch(
        `${source.baseUrl}/admin/v1/accounts/${account.id}/extensions/${admin.id}/jwt`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        },
      )
      const { jwt } = (await res.json()) as { jwt: string }
      const file = path.join(localDir, 'account.json')
      fs.writeFileSync(
        file,
        JSON.stringify({ accounts: [{ id: account.id, name: account.name, extensions: [] }] }),
      )
      await cli(['provision', file, '--data', localDir])
      const mirrorArgs = [
        'mirror',
        '--source',
        source.baseUrl,
        '--client-id',
        'seed-client',
        '--client-secret',
        'seed-secret',
        '--jwt',
        jwt,
        '--account',
        account.id,
        '--data',
        localDir,
        '--concurrency',
        concurrency,
      ]
      const mirrored = await cli([...mirrorArgs, '--once'])
      if (!/0 failed/.test(mirrored.stdout)) throw new Error(`the mirror pass failed:\n${mirrored.stdout}`)
      const latency = await measureLatency(source.baseUrl, localDir, account.id, admin, mirrorArgs)
      return {
        messages,
        extensions,
        mirror: { seconds: mirrored.seconds, messagesPerSecond: messages / mirrored.seconds },
        export: { seconds: exported.seconds, messagesPerSecond: exportedMessages / exported.seconds },
        latency,
      }
    } finally {
      await source.stop()
    }
  } finally {
    for (const dir of [sourceDir, localDir, outDir]) removeDir(dir)
  }
}

/**
 * The mirror left following the source (its periodic pass an hour away, so only the
 * source's WebSocket events bring anything), a local server on the same store, and
 * LATENCY_MESSAGES inbound messages delivered to the source one after the other: for
 * each, the time from the source's answer to the message being the newest of the local
 * mailbox's list.
 */
async function measureLatency(
  sourceUrl: string,
  localDir: string,
  accountId: string,
  extension: { id: string; phoneNumber: string },
  mirrorArgs: string[],
): Promise<MirrorBenchResult['latency']> {
  const local = await startServer(localDir, [], undefined, ['--shared-store'])
  const child: ChildProcess = spawn(process.execPath, [MAIN, ...mirrorArgs, '--interval', 'PT1H'], {
    env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => {
    output += d
  })
  child.stderr!.on('data', (d) => {
    output += d
  })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
  try {
    const started = Date.now()
    while (!/mirror: pass over/.test(output)) {
      if (Date.now() - started > 300_000 || child.exitCode !== null)
        throw new Error(`the mirror did not finish its first pass:\n${output}`)
      await sleep(50)
    }
    // The event subscription is made during the pass; give the socket a moment to settle.
    await sleep(1000)
    const delays: number[] = []
    for (let i = 0; i < LATENCY_MESSAGES; i++) {
      const res = await fetch(`${sourceUrl}/admin/v1/accounts/${accountId}/inbound`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({
          type: 'SMS',
          from: '+14155550123',
          to: [extension.phoneNumber],
          text: `latency ${i}`,
        }),
      })
      const answered = performance.now()
      if (res.status !== 201) throw new Error(`inbound: ${res.status} ${await res.text()}`)
      const id = ((await res.json()) as { messages: { id: number }[] }).messages[0]!.id
      const list = `${local.baseUrl}/admin/v1/accounts/${accountId}/extensions/${extension.id}/message-store?perPage=1`
      for (;;) {
        const page = (await (await fetch(list, { headers: admin })).json()) as { records?: { id: number }[] }
        if (page.records?.[0]?.id === id) break
        if (performance.now() - answered > 60_000)
          throw new Error(`message ${id} not mirrored within a minute:\n${output}`)
        await sleep(5)
      }
      delays.push(performance.now() - answered)
      await sleep(100)
    }
    delays.sort((a, b) => a - b)
    const at = (q: number) => delays[Math.min(delays.length - 1, Math.ceil(q * delays.length) - 1)]!
    return { messages: delays.length, p50: at(0.5), p99: at(0.99), max: delays[delays.length - 1]! }
  } finally {
    child.kill('SIGTERM')
    await exited
    await local.stop()
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export function mirrorLines(r: MirrorBenchResult): string[] {
  return [
    `mirror: ${r.messages} messages in ${r.extensions} mailboxes (the issue's 100,000: node --import tsx bench/mirror.ts 100000)`,
    `  msgstore mirror --once over HTTP   ${r.mirror.messagesPerSecond.toFixed(0)} messages/s (${r.mirror.seconds.toFixed(1)} s)`,
    `  baseline: msgstore export          ${r.export.messagesPerSecond.toFixed(0)} messages/s (${r.export.seconds.toFixed(1)} s)`,
    `  new inbound message, source's answer to local list (${r.latency.messages} messages, by its event): p50 ${r.latency.p50.toFixed(0)} ms, p99 ${r.latency.p99.toFixed(0)} ms, max ${r.latency.max.toFixed(0)} ms (target <= 1000 ms)`,
  ]
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(ROOT, 'bench/mirror.ts')) {
  const size = process.argv[2] === undefined ? undefined : Number(process.argv[2])
  if (size !== undefined && !(Number.isInteger(size) && size > 0))
    throw new Error('usage: node --import tsx bench/mirror.ts [messages]')
  const result = await runMirrorBench(process.env, size)
  for (const line of mirrorLines(result)) console.log(line)
}
