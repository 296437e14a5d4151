import { createServices, type StoreServices } from '../app/services.js'
import { loadConfig } from '../config/config.js'
import type { StoreOptions } from './store-options.js'

/** Opens the store for a one-off command (provision, jwt, seed, export, import, mirror) and closes it afterwards. */
export async function withStore<T>(
  opts: StoreOptions & { publicUrl?: string },
  work: (services: StoreServices) => Promise<T>,
  /** A long-running command beside a server (mirror) opens an SQLite store as one of several processes. */
  shared = { sharedStore: false },
): Promise<T> {
  // Only the store's own options: a one-off command serves nothing, so the serve variables
  // (port, clock, …) are not its business. The statement log follows it, as it does the server.
  const config = loadConfig(
    { data: opts.data, database: opts.database, publicUrl: opts.publicUrl, demo: false, ...shared },
    { MSGSTORE_STATEMENT_LOG: process.env.MSGSTORE_STATEMENT_LOG },
    () => '',
  )
  const services = await createServices(config)
  try {
    return await work(services)
  } finally {
    await services.close()
  }
}
