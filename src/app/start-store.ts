import type { FastifyInstance } from 'fastify'
import type { Config } from '../config/config.js'
import { buildHttp, type HttpExtensions } from '../http/server.js'
import { createServices, type StoreServices } from './services.js'

/** msgstore running: its services, its HTTP server listening, its background work started. */
export interface RunningStore {
  services: StoreServices
  app: FastifyInstance
  /** Where it listens, `http://host:port`. */
  listening: string
  /** Stops listening, then the background work, then closes the store. */
  close(): Promise<void>
}

export interface StartStoreOptions {
  extensions?: HttpExtensions
  /** Runs once the store is open, before it listens (provisioning, the demo account). */
  beforeListen?: (services: StoreServices) => Promise<void>
}

/**
 * Opens the store, builds the HTTP server, listens and starts the job runner and the
 * notifications: what `msgstore serve` does apart from the process (its lock, its
 * signals, its ready lines), and what tests use to run msgstore inside their own process.
 */
export async function startStore(config: Config, options: StartStoreOptions = {}): Promise<RunningStore> {
  const services = await createServices(config)
  let app: FastifyInstance | undefined
  try {
    await options.beforeListen?.(services)
    app = await buildHttp(services, options.extensions)
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    await app?.close()
    await services.close()
    throw err
  }
  services.jobs.start()
  await services.notifications.start()
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host
  const listening = `http://${hostForUrl}:${port}`
  if (!config.publicUrl) services.publicUrl.set(listening)
  const server = app
  return {
    services,
    app: server,
    listening,
    async close() {
      await server.close()
      await services.close()
    },
  }
}
