/**
 * The mirror step of `npm run bench`: a source msgstore seeded with messages of every
 * type (attachments included), mirrored into an empty local store by `msgstore mirror
 * --once` over HTTP; messages per second mirrored, beside the source's own export of the
 * same messages (`msgstore export`, archives written straight from its store) in the
 * same run.
 *
 * Runs on its own too: `npm run build && node --import tsx bench/mirror.ts`.
 *
 * Environment: BENCH_MIRROR_MESSAGES (10000: the issue names 100,000; on a small shared
 * machine that takes many minutes, so the default is scaled down and printed),
 * BENCH_MIRROR_EXTENSIONS (10), BENCH_MIRROR_CONCURRENCY (4).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ADMIN_TOKEN, ROOT, removeDir, runSeed, startServer } from './lib/processes.js'

const MAIN = path.join(ROOT, 'dist/main.js')

export interface MirrorBenchResult {
  messages: number
  extensions: number
  mirror: { seconds: number; messagesPerSecond: number }
  export: { seconds: number; messagesPerSecond: number }
}

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

export async function runMirrorBench(env = process.env): Promise<MirrorBenchResult> {
  const messages = Number(env.BENCH_MIRROR_MESSAGES ?? 10_000)
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
      const mirrored = await cli([
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
        '--once',
      ])
      if (!/0 failed/.test(mirrored.stdout)) throw new Error(`the mirror pass failed:\n${mirrored.stdout}`)
      return {
        messages,
        extensions,
        mirror: { seconds: mirrored.seconds, messagesPerSecond: messages / mirrored.seconds },
        export: { seconds: exported.seconds, messagesPerSecond: exportedMessages / exported.seconds },
      }
    } finally {
      await source.stop()
    }
  } finally {
    for (const dir of [sourceDir, localDir, outDir]) removeDir(dir)
  }
}

export function mirrorLines(r: MirrorBenchResult): string[] {
  return [
    `mirror: ${r.messages} messages in ${r.extensions} mailboxes (scaled down from the issue's 100,000; BENCH_MIRROR_MESSAGES)`,
    `  msgstore mirror --once over HTTP   ${r.mirror.messagesPerSecond.toFixed(0)} messages/s (${r.mirror.seconds.toFixed(1)} s)`,
    `  baseline: msgstore export          ${r.export.messagesPerSecond.toFixed(0)} messages/s (${r.export.seconds.toFixed(1)} s)`,
  ]
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(ROOT, 'bench/mirror.ts')) {
  const result = await runMirrorBench()
  for (const line of mirrorLines(result)) console.log(line)
}
