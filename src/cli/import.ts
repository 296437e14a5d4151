import { type Command, Option } from 'commander'
import { sql } from 'kysely'
import type { ImportSummary } from '../imports/archive-import.js'
import { messageKeeperOf } from '../services/message-keeping/message-keeper.js'
import { withStore } from './offline.js'
import { addStoreOptions, type StoreOptions } from './store-options.js'

interface ImportCommandOptions extends StoreOptions {
  account: string
  json?: boolean
}

/** SQLite's page cache during an import (KiB): enough for the indexes' upper pages. */
const IMPORT_SQLITE_CACHE_KB = 8192

/** Exit code of an import that completed but refused some records or attachment files. */
export const EXIT_SOME_REFUSED = 2

/**
 * `msgstore import`: message store export archives (archive 0 and the attachment
 * archives, RingCentral's or msgstore's own) into an account's mailboxes, keeping ids
 * and times (imports/archive-import.ts). A file that is not an export archive is refused
 * before anything is written (exit 1).
 */
export function registerImportCommand(program: Command): void {
  addStoreOptions(
    program
      .command('import')
      .description('load message store export archives (zip) into an account, keeping ids and times')
      .argument('<files...>', 'the archives: archive 0 (records) and the attachment archives')
      .requiredOption('--account <id>', 'the account to import into (provisioned first)')
      .addOption(new Option('--json', 'print the summary as JSON (the progress bar still goes to stderr)')),
  ).action(async (files: string[], opts: ImportCommandOptions) => {
    // Loaded when the command runs, not on every start of msgstore (see cli/program.ts).
    const [{ default: cliProgress }, { importArchives }] = await Promise.all([
      import('cli-progress'),
      import('../imports/archive-import.js'),
    ])
    const summary = await withStore(opts, async (services) => {
      // The import writes each page about once and reads few back: SQLite's page cache
      // (64 MB for a server) would only fill up resident memory, so it is kept small.
      if (services.database.dialect.name === 'sqlite')
        await sql.raw(`pragma cache_size = -${IMPORT_SQLITE_CACHE_KB}`).execute(services.db)
      const bar = new cliProgress.SingleBar(
        { format: 'importing {bar} {percentage}% | {value}/{total} MB', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
      const mb = (bytes: number) => Math.round(bytes / 1e6)
      let done = 0
      try {
        return await importArchives(messageKeeperOf(services), opts.account, files, {
          onPlanned: (bytes) => bar.start(mb(bytes), 0),
          onBytes: (bytes) => {
            done += bytes
            bar.update(mb(done))
          },
        })
      } finally {
        bar.stop()
      }
    })
    console.log(opts.json ? JSON.stringify(summary, null, 2) : summaryText(summary))
    if (summary.messages.refused + summary.attachments.withoutMessage > 0)
      process.exitCode = EXIT_SOME_REFUSED
  })
}

function summaryText(s: ImportSummary): string {
  const n = (v: number) => v.toLocaleString('en-US')
  const m = s.messages
  const a = s.attachments
  return [
    `imported into account ${s.accountId} from ${s.archives} archives: ${n(m.created)} messages new, ${n(m.changed)} changed, ${n(m.unchanged)} unchanged, ${n(m.refused)} refused; ` +
      `${n(a.stored)} attachments stored, ${n(a.unchanged)} unchanged, ${n(a.purged)} of purged messages, ${n(a.withoutMessage)} without a message; ` +
      `${n(s.mailboxes.matched)} mailboxes matched, ${n(s.mailboxes.created)} created; ` +
      `${n(Math.round(s.bytes / 1e6))} MB in ${s.seconds.toFixed(1)} s (${s.megabytesPerSecond.toFixed(1)} MB/s), peak memory ${n(Math.round(s.peakRssBytes / 1e6))} MB`,
    ...s.refusals.map((r) => `  refused: ${r}`),
  ].join('\n')
}
