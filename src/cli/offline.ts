import { createServices, type Services } from '../app/services.js'
import { loadConfig } from '../config/config.js'
import { type StoreOptions, storeUrl } from './store-options.js'

/** Opens the store for a one-off command (provision, jwt, seed) and closes it afterwards. */
export async function withStore<T>(opts: StoreOptions, work: (services: Services) => Promise<T>): Promise<T> {
  const { databaseUrl, dataDir } = storeUrl(opts)
  const config = loadConfig({ data: dataDir, database: databaseUrl, demo: false }, {}, () => '')
  const services = await createServices(config)
  try {
    return await work(services)
  } finally {
    await services.close()
  }
}
