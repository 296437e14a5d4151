/**
 * `msgstore import` of a generated archive set: an account of BENCH_IMPORT_MESSAGES
 * messages (default 20,000) with BENCH_IMPORT_BYTES of attachments (default 1 GiB),
 * written by `msgstore export`, then imported into a fresh store holding only the account
 * (the import creates its extensions). Prints the import's MB/s and peak RSS beside the
 * export's of the same data, measured in the same run, and a second import of the same
 * archives (which must change nothing).
 *
 * Not part of `npm run bench` (building the store and the two passes take several
 * minutes): `npm run build && node --import tsx bench/import.ts`.
 * BENCH_IMPORT_DATA=DIR builds the source store there once and reuses it.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildExportStore, EXPORT_ACCOUNT } from './lib/export-store.js'
import { ROOT, removeDir } from './lib/processes.js'

const MAIN = path.join(ROOT, 'dist/main.js')

function integer(name: string, fallback: number): number {
  const text = process.env[name]
  const value = text ? Number(text.replace(/_/g, '')) : fallback
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer`)
  return value
}

/** Runs `msgstore ARGS… --json`; answers its parsed summary and wall time. */
function cli(args: string[]): Promise<{ summary: any; wallSeconds: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as { code?: unknown }).code !== 2) reject(new Error(`msgstore ${args[0]}: ${stderr}`))
      else resolve({ summary: JSON.parse(stdout), wallSeconds: (performance.now() - started) / 1000 })
    })
  })
}

async function main() {
  const keep = process.env.BENCH_IMPORT_DATA
  const source = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-import-source-'))
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-import-bench-'))
  try {
    if (!fs.existsSync(path.join(source, 'import-bench-built'))) {
      const built = await buildExportStore(source, {
        messages: integer('BENCH_IMPORT_MESSAGES', 20_000),
        attachmentBytes: integer('BENCH_IMPORT_BYTES', 1024 ** 3),
        extensions: 40,
      })
      fs.writeFileSync(path.join(source, 'import-bench-built'), JSON.stringify(built))
      console.log(`import bench: source store built in ${built.seconds.toFixed(0)} s`)
    }
    const out = path.join(work, 'archives')
    const exported = await cli([
      'export',
      '--account',
      EXPORT_ACCOUNT.id,
      '--from',
      '2000-01-01T00:00:00Z',
      '--out',
      out,
      '--data',
      source,
      '--json',
    ])
    const files = exported.summary.archives.map((a: { file: string }) => a.file)

    const target = path.join(work, 'target')
    const provisionFile = path.join(work, 'account.json')
    fs.writeFileSync(
      provisionFile,
      JSON.stringify({ accounts: [{ id: EXPORT_ACCOUNT.id, name: 'Import Bench Inc', extensions: [] }] }),
    )
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [MAIN, 'provision', provisionFile, '--data', target], (err) =>
        err ? reject(err) : resolve(),
      ),
    )
    const first = await cli(['import', '--account', EXPORT_ACCOUNT.id, ...files, '--data', target, '--json'])
    const second = await cli(['import', '--account', EXPORT_ACCOUNT.id, ...files, '--data', target, '--json'])

    const mb = (bytes: number) => (bytes / 1e6).toFixed(0)
    const e = exported.summary
    const i = first.summary
    const s = second.summary
    console.log(
      [
        `import bench: ${e.messages.toLocaleString('en-US')} messages, ${e.attachments.toLocaleString('en-US')} attachments, ${e.archives.length} archives of ${mb(e.bytes)} MB`,
        `  export (baseline)  ${e.megabytesPerSecond.toFixed(1)} MB/s of archives, ${e.seconds.toFixed(1)} s, peak RSS ${mb(e.peakRssBytes)} MB`,
        `  import             ${i.megabytesPerSecond.toFixed(1)} MB/s of entries (${mb(i.bytes)} MB), ${i.seconds.toFixed(1)} s, peak RSS ${mb(i.peakRssBytes)} MB; ${i.messages.created.toLocaleString('en-US')} messages, ${i.attachments.stored.toLocaleString('en-US')} attachments, ${i.mailboxes.created} mailboxes created`,
        `  import again       ${s.seconds.toFixed(1)} s, peak RSS ${mb(s.peakRssBytes)} MB; ${s.messages.created + s.messages.changed} messages written, ${s.attachments.stored} attachments stored`,
        `  import/export speed: ${((i.megabytesPerSecond / e.megabytesPerSecond) * 100).toFixed(0)}%`,
      ].join('\n'),
    )
  } finally {
    removeDir(work)
    if (!keep) removeDir(source)
  }
}

await main()
