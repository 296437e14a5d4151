import type { Command } from 'commander'
import { addStoreOptions, storeUrl } from './store-options.js'

/** `msgstore backup --out FILE [--data DIR | --database URL]`: embedded stores; PostgreSQL has pg_dump. */
export function registerBackupCommand(program: Command): void {
  addStoreOptions(
    program
      .command('backup')
      .description(
        'write a consistent backup of an embedded store (database and attachment files), even while it serves',
      )
      .requiredOption('--out <file>', 'the backup file to write (a zip)'),
  ).action(async (opts: { out: string; data?: string; database?: string }) => {
    const { databaseUrl, dataDir } = storeUrl(opts)
    if (!databaseUrl.startsWith('sqlite:')) {
      throw new Error(
        'backup copies embedded (SQLite) stores; back up PostgreSQL with pg_dump (docs/backups.md)',
      )
    }
    // Loaded when the command runs, not on every start of msgstore (see cli/program.ts).
    const { backupEmbeddedStore } = await import('../backup/backup.js')
    const summary = await backupEmbeddedStore(databaseUrl.slice('sqlite:'.length), dataDir, opts.out)
    console.log(
      `backup written to ${summary.file}: ${summary.bytes} bytes, ${summary.attachmentFiles} attachment files, ${summary.exportFiles} export archives`,
    )
  })
}
