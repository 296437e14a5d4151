import { type Command, Option } from 'commander'
import { loadConfig } from '../config/config.js'

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

/** As `serve` resolves them (config/config.ts): a `sqlite:PATH` without `--data` keeps its files beside the database file. */
export function storeUrl(opts: StoreOptions): { databaseUrl: string; dataDir: string } {
  const { databaseUrl, dataDir } = loadConfig(
    { data: opts.data, database: opts.database, demo: false },
    {},
    () => '',
  )
  return { databaseUrl, dataDir }
}
