import path from 'node:path'
import { type Command, Option } from 'commander'

export interface StoreOptions {
  database?: string
  data?: string
}

/** `--database URL | --data DIR` for commands that open the store directly. */
export function addStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://…').env('MSGSTORE_DATABASE_URL'))
    .addOption(new Option('--data <dir>', 'data folder of an embedded store').env('MSGSTORE_DATA'))
}

export function storeUrl(opts: StoreOptions): { databaseUrl: string; dataDir: string } {
  const dataDir = path.resolve(opts.data ?? './data')
  return { databaseUrl: opts.database ?? `sqlite:${path.join(dataDir, 'msgstore.db')}`, dataDir }
}
