import { createServices, type Services } from '../app/services.js'
import { loadConfig } from '../config/config.js'
import { type StoreOptions, storeUrl } from './store-options.js'

/** Opens the store for a one-off command (provision, jwt, seed) and closes it afterwards. */
export async function withStore<T>(
  opts: StoreOptions,
  work: (services: Services) => Promise<T>,
  /** A long-running command beside a server (mirror) opens an SQLite store as one of several processes. */
  shared = { sharedStore: false },
): Promise<T> {
  const { databaseUrl, dataDir } = storeUrl(opts)
  const config = loadConfig({ data: dataDir, database: databaseUrl, demo: false, ...shared }, {}, () => '')
  const services = await createServices(config)
  try {
    return await work(services)
  } finally {
    await services.close()
  }
}
