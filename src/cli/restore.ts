import type { Command } from 'commander'

/** `msgstore restore FILE --data DIR`: unpacks a backup into an empty data folder. */
export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description('restore a backup written by msgstore backup into an empty data folder')
    .argument('<file>', 'backup file')
    .requiredOption('--data <dir>', 'data folder to restore into (must be empty or absent)')
    .action(async (file: string, opts: { data: string }) => {
      // Loaded when the command runs, not on every start of msgstore (see cli/program.ts).
      const { restoreEmbeddedStore } = await import('../backup/restore.js')
      const manifest = await restoreEmbeddedStore(file, opts.data)
      console.log(
        `restored ${file} (taken ${manifest.createdAt} by msgstore ${manifest.msgstoreVersion}) into ${opts.data}: serve it with msgstore serve --data ${opts.data}`,
      )
    })
}
