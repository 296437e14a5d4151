import fs from 'node:fs'
import path from 'node:path'
import { type Command, Option } from 'commander'
import type { Kysely } from 'kysely'
import type { StoreServices } from '../app/services.js'
import { ApiError } from '../domain/errors.js'
import { parseReportRequest, REPORT_MESSAGE_TYPES } from '../domain/export/task.js'
import { writeZipAtomically } from '../exports/archive-store.js'
import { planReportArchives, reportArchive } from '../exports/archive-writer.js'
import { openReadConnection } from '../exports/read-connection.js'
import { GIB, parseByteSize } from '../exports/settings.js'
import { ZipMemory } from '../exports/zip-memory.js'
import {
  countExportMessages,
  type ExportScope,
  newestMessageId,
} from '../storage/repositories/export-reads.js'
import type { DB } from '../storage/schema.js'
import { withStore } from './offline.js'
import { addStoreOptions, type StoreOptions } from './store-options.js'

interface ExportCommandOptions extends StoreOptions {
  account: string
  from?: string
  to?: string
  types?: string
  out: string
  archiveMaxBytes?: string
  publicUrl?: string
  json?: boolean
}

export interface ExportSummary {
  accountId: string
  dateFrom: string
  dateTo: string
  messages: number
  attachments: number
  attachmentBytes: number
  archives: { file: string; size: number }[]
  bytes: number
  seconds: number
  megabytesPerSecond: number
  /** Largest resident set size of this process (bytes). */
  peakRssBytes: number
}

/**
 * `msgstore export`: the archives of the message store report API (archive 0, the
 * records; archives 1…, the attachments), written straight to a folder by the same code
 * the report task's job uses (exports/archive-writer.ts).
 */
export function registerExportCommand(program: Command): void {
  addStoreOptions(
    program
      .command('export')
      .description("write an account's message store report archives (zip) to a folder")
      .requiredOption('--account <id>', 'account id')
      .addOption(new Option('--from <iso>', 'start of the range (default: 24 hours before --to)'))
      .addOption(new Option('--to <iso>', 'end of the range (default: now)'))
      .addOption(
        new Option('--types <list>', `message types, comma-separated: ${REPORT_MESSAGE_TYPES.join(', ')}`),
      )
      .requiredOption('--out <dir>', 'folder to write the archives to (created if missing)')
      .addOption(
        new Option('--archive-max-bytes <size>', 'most bytes in one attachment archive, e.g. 1G')
          .env('MSGSTORE_ARCHIVE_MAX_BYTES')
          .default('1G'),
      )
      .addOption(
        new Option(
          '--public-url <url>',
          'base of every uri in the records (the server’s --public-url), default http://127.0.0.1:8080',
        ).env('MSGSTORE_PUBLIC_URL'),
      )
      .addOption(new Option('--json', 'print the summary as JSON (the progress bar still goes to stderr)')),
  ).action(async (opts: ExportCommandOptions) => {
    const maxBytes = opts.archiveMaxBytes ? parseByteSize(opts.archiveMaxBytes, '--archive-max-bytes') : GIB
    const summary = await withStore(opts, async (services) => {
      // Checked and defaulted as the server's own --public-url (config/config.ts).
      const { publicUrl, host, port } = services.config
      const baseUrl = Buffer.from(publicUrl ?? `http://${host}:${port}`)
      const reader = await openReadConnection(services.config.databaseUrl, services.db)
      try {
        return await exportArchives(services, reader.db, opts, maxBytes, baseUrl)
      } finally {
        await reader.close()
      }
    })
    console.log(opts.json ? JSON.stringify(summary, null, 2) : summaryText(summary))
  })
}

/** Writes the archives, reading messages and attachments through `db`. */
async function exportArchives(
  services: StoreServices,
  db: Kysely<DB>,
  opts: ExportCommandOptions,
  maxBytes: number,
  baseUrl: Buffer,
): Promise<ExportSummary> {
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', opts.account)
    .executeTakeFirst()
  if (!account) throw new Error(`--account: no account ${opts.account} in this store`)
  const range = cliRange(opts, services.clock.now())
  const started = performance.now()
  const scope: ExportScope = {
    accountId: opts.account,
    ...range,
    snapshotMessageId: await newestMessageId(db),
  }
  const label = `${opts.account}-${new Date(services.clock.now()).toISOString()}`
  const out = path.resolve(opts.out)
  fs.mkdirSync(out, { recursive: true })
  const fileOf = (idx: number) => path.join(out, `message-store-report-${opts.account}-${idx}.zip`)
  const archives: ExportSummary['archives'] = []

  const messages = await countExportMessages(db, scope)
  // Loaded when the command runs, not on every start of msgstore (see cli/program.ts).
  const { default: cliProgress } = await import('cli-progress')
  const bars = new cliProgress.MultiBar(
    { format: '{name} {bar} {percentage}% | {value}/{total} {unit}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  const recordsBar = bars.create(messages, 0, { name: 'messages   ', unit: 'records' })
  // One read-ahead ring and file buffer for all the archives.
  const memory = new ZipMemory()
  const plans = await planReportArchives(db, scope, maxBytes, label)
  const totalBytes = plans.reduce((sum, p) => sum + p.bytes, 0)
  const mb = (bytes: number) => Math.round(bytes / 1e6)
  const bytesBar = bars.create(mb(totalBytes), 0, { name: 'attachments', unit: 'MB' })
  let done = 0
  for (const plan of plans) {
    const file = fileOf(plan.idx)
    const zip = reportArchive(db, services.blobs, scope, plan, {
      label,
      mtime: new Date(services.clock.now()),
      baseUrl,
      onRecords: (n) => recordsBar.increment(n),
      onAttachment: (bytes) => {
        done += bytes
        bytesBar.update(mb(done))
      },
    })
    archives.push({ file, size: await writeZipAtomically(file, { ...zip, memory }) })
  }
  bytesBar.update(mb(totalBytes))
  bars.stop()
  const seconds = (performance.now() - started) / 1000
  const bytes = archives.reduce((sum, a) => sum + a.size, 0)
  return {
    accountId: opts.account,
    dateFrom: new Date(range.dateFrom).toISOString(),
    dateTo: new Date(range.dateTo).toISOString(),
    messages,
    attachments: plans.reduce((sum, p) => sum + p.entries, 0),
    attachmentBytes: totalBytes,
    archives,
    bytes,
    seconds,
    megabytesPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }
}

/** The report's range from the command's options; a bad value names its option. */
function cliRange(opts: ExportCommandOptions, now: number) {
  try {
    return parseReportRequest(
      { dateFrom: opts.from, dateTo: opts.to, messageTypes: opts.types?.split(',').map((t) => t.trim()) },
      now,
    )
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    const option =
      { dateFrom: '--from', dateTo: '--to', messageTypes: '--types' }[err.parameterName ?? ''] ?? ''
    throw new Error(`${option}: ${err.message}`)
  }
}

function summaryText(s: ExportSummary): string {
  const n = (v: number) => v.toLocaleString('en-US')
  return [
    `exported account ${s.accountId}, ${s.dateFrom} to ${s.dateTo}: ${n(s.messages)} messages, ${n(s.attachments)} attachments (${n(s.attachmentBytes)} bytes)`,
    ...s.archives.map((a) => `  ${a.file}  ${n(a.size)} bytes`),
    `  ${s.archives.length} archives, ${n(s.bytes)} bytes in ${s.seconds.toFixed(1)} s (${s.megabytesPerSecond.toFixed(1)} MB/s), peak memory ${n(Math.round(s.peakRssBytes / 1e6))} MB`,
  ].join('\n')
}
