/**
 * The export step of `npm run bench`: an account of 100,000 messages with 1 GB of
 * attachments, archived through the message store report API by the real server; its
 * throughput (archive bytes per second, task created to Completed) and the server's peak
 * memory (VmHWM), beside `zip -0` over the same files (the archives' contents, extracted)
 * in the same run. Targets: at least half of zip -0's speed, peak memory under 200 MB.
 *
 * Runs on its own too: `node --import tsx bench/export.ts`.
 *
 * Environment: BENCH_EXPORT_MESSAGES (100000), BENCH_EXPORT_BYTES (1073741824),
 * BENCH_EXPORT_EXTENSIONS (100), BENCH_EXPORT_DATA=DIR (build the store there once and reuse it).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import yauzl from 'yauzl'
import { buildExportStore, EXPORT_ACCOUNT, type ExportStoreSummary } from './lib/export-store.js'
import { passwordLogin } from './lib/http.js'
import { removeDir, startServer, waitIdle } from './lib/processes.js'
import type { TargetResult } from './lib/report.js'

export const EXPORT_MEMORY_TARGET_MB = 200
export const EXPORT_SPEED_TARGET = 0.5

export interface ExportBenchResult {
  store: ExportStoreSummary & { reused: boolean }
  archives: number
  archiveBytes: number
  seconds: number
  megabytesPerSecond: number
  peakRssMb: number
  /** The server's resident memory just before the export (after start and its own background work). */
  rssBeforeMb: number
  zip: { available: boolean; bytes: number; seconds: number; megabytesPerSecond: number }
  ratioToZip: number | null
}

const STORE_FILE = 'export-bench-store.json'
const REPORTS = `/restapi/v1.0/account/${EXPORT_ACCOUNT.id}/message-store-report`

function integer(name: string, fallback: number): number {
  const text = process.env[name]
  const value = text ? Number(text.replace(/_/g, '')) : fallback
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer`)
  return value
}

export async function runExportBench(serverNodeArgs: string[] = []): Promise<{
  result: ExportBenchResult
  targets: TargetResult[]
  lines: string[]
}> {
  const keep = process.env.BENCH_EXPORT_DATA
  const dataDir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-export-bench-'))
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-export-files-'))
  try {
    const store = await exportStore(dataDir)
    console.log(
      `export bench: ${store.messages.toLocaleString('en-US')} messages, ${store.attachments.toLocaleString('en-US')} attachments, ${(store.attachmentBytes / 1e6).toFixed(0)} MB${store.reused ? ' (reused)' : ` (built in ${store.seconds.toFixed(0)} s)`}`,
    )
    const server = await startServer(dataDir, serverNodeArgs)
    let measured: Awaited<ReturnType<typeof exportThroughApi>>
    try {
      await waitIdle(server.pid)
      measured = await exportThroughApi(server.baseUrl, server.pid, work)
    } finally {
      await server.stop()
    }
    const zip = await zipSame(measured.extracted, path.join(work, 'zip-0.zip'))
    const megabytesPerSecond = measured.bytes / 1e6 / measured.seconds
    const ratioToZip = zip.available ? megabytesPerSecond / zip.megabytesPerSecond : null
    const result: ExportBenchResult = {
      store,
      archives: measured.archives,
      archiveBytes: measured.bytes,
      seconds: measured.seconds,
      megabytesPerSecond,
      peakRssMb: measured.peakRssMb,
      rssBeforeMb: measured.rssBeforeMb,
      zip,
      ratioToZip,
    }
    const targets: TargetResult[] = [
      {
        scenario: 'export',
        connections: 1,
        label: `throughput >= ${EXPORT_SPEED_TARGET * 100}% of zip -0`,
        pass: ratioToZip !== null && ratioToZip >= EXPORT_SPEED_TARGET,
      },
      {
        scenario: 'export',
        connections: 1,
        label: `peak memory < ${EXPORT_MEMORY_TARGET_MB} MB`,
        pass: measured.peakRssMb < EXPORT_MEMORY_TARGET_MB,
      },
    ]
    const lines = [
      `export: ${measured.archives} archives, ${(measured.bytes / 1e6).toFixed(0)} MB in ${measured.seconds.toFixed(1)} s: ${megabytesPerSecond.toFixed(0)} MB/s, server peak memory ${measured.peakRssMb.toFixed(0)} MB (${measured.rssBeforeMb.toFixed(0)} MB before the export)`,
      zip.available
        ? `zip -0 over the same files: ${(zip.bytes / 1e6).toFixed(0)} MB in ${zip.seconds.toFixed(1)} s: ${zip.megabytesPerSecond.toFixed(0)} MB/s; export at ${(ratioToZip! * 100).toFixed(0)}% of it`
        : 'zip -0: the zip program is not installed (apt-get install zip); no comparison',
    ]
    return { result, targets, lines }
  } finally {
    removeDir(work)
    if (!keep) removeDir(dataDir)
  }
}

async function exportStore(dataDir: string): Promise<ExportStoreSummary & { reused: boolean }> {
  const saved = path.join(dataDir, STORE_FILE)
  if (fs.existsSync(saved))
    return { ...(JSON.parse(fs.readFileSync(saved, 'utf8')) as ExportStoreSummary), reused: true }
  const summary = await buildExportStore(dataDir, {
    messages: integer('BENCH_EXPORT_MESSAGES', 100_000),
    attachmentBytes: integer('BENCH_EXPORT_BYTES', 1024 ** 3),
    extensions: integer('BENCH_EXPORT_EXTENSIONS', 100),
  })
  fs.writeFileSync(saved, JSON.stringify(summary))
  return { ...summary, reused: false }
}

/** The seed document's flow: create a report of everything, poll to Completed, then download and extract the archives. */
async function exportThroughApi(baseUrl: string, pid: number, work: string) {
  const token = await passwordLogin(
    baseUrl,
    EXPORT_ACCOUNT.app,
    EXPORT_ACCOUNT.admin.username,
    EXPORT_ACCOUNT.admin.password,
  )
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const rssBeforeMb = memory(pid, 'VmRSS')
  const started = performance.now()
  const created = await fetch(`${baseUrl}${REPORTS}`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ dateFrom: '2000-01-01T00:00:00Z' }),
  })
  const task = (await created.json()) as { id: string; status: string }
  if (created.status !== 202) throw new Error(`create report: ${created.status} ${JSON.stringify(task)}`)
  for (;;) {
    const status = (
      (await (await fetch(`${baseUrl}${REPORTS}/${task.id}`, { headers })).json()) as { status: string }
    ).status
    if (status === 'Completed') break
    if (status === 'Failed' || status === 'Cancelled') throw new Error(`export task ${status}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const seconds = (performance.now() - started) / 1000
  const peakRssMb = memory(pid, 'VmHWM')
  const list = (await (await fetch(`${baseUrl}${REPORTS}/${task.id}/archive`, { headers })).json()) as {
    records: { size: number; uri: string }[]
  }
  const extracted = path.join(work, 'files')
  for (const [i, archive] of list.records.entries()) {
    const file = path.join(work, `${i}.zip`)
    const res = await fetch(archive.uri, { headers })
    if (!res.ok || !res.body) throw new Error(`download ${archive.uri}: ${res.status}`)
    await pipeline(res.body, fs.createWriteStream(file))
    await extract(file, extracted)
    fs.rmSync(file)
  }
  const bytes = list.records.reduce((sum, a) => sum + a.size, 0)
  return { seconds, bytes, archives: list.records.length, peakRssMb, rssBeforeMb, extracted }
}

/** The server's resident memory (VmRSS) or its peak so far (VmHWM), MB. */
function memory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN)
  return kb / 1024
}

function extract(zipFile: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err)
      zip.on('error', reject)
      zip.on('end', () => resolve())
      zip.on('entry', (entry: yauzl.Entry) => {
        const target = path.join(into, entry.fileName)
        fs.mkdirSync(path.dirname(target), { recursive: true })
        zip.openReadStream(entry, (err2, stream) => {
          if (err2 || !stream) return reject(err2)
          pipeline(stream, fs.createWriteStream(target)).then(() => zip.readEntry(), reject)
        })
      })
      zip.readEntry()
    })
  })
}

/** `zip -0 -r -q` over the extracted files, timed; the page cache holds them, as it holds the blobs. */
async function zipSame(folder: string, out: string): Promise<ExportBenchResult['zip']> {
  const run = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now()
      execFile('zip', ['-0', '-r', '-q', out, 'account'], { cwd: folder }, (err) =>
        err ? reject(err) : resolve((performance.now() - started) / 1000),
      )
    })
  let seconds: number
  try {
    seconds = await run()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { available: false, bytes: 0, seconds: 0, megabytesPerSecond: 0 }
    throw err
  }
  const bytes = fs.statSync(out).size
  return { available: true, bytes, seconds, megabytesPerSecond: bytes / 1e6 / seconds }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runExportBench()
    .then(({ lines, targets }) => {
      for (const line of lines) console.log(line)
      for (const t of targets) console.log(`target ${t.scenario}: ${t.label}: ${t.pass ? 'PASS' : 'FAIL'}`)
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err)
      process.exit(1)
    })
}
