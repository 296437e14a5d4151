import { type RunningStore, startStore } from '../../src/app/start-store.js'
import { loadConfig, type ServeOptions } from '../../src/config/config.js'
import { ADMIN_TOKEN, adminCaller, databaseFor, type RunningServer, tempDir } from './server.js'

/**
 * msgstore inside the test's own process (app/start-store.ts, as `msgstore serve` starts
 * it), listening on a free port, with its Fastify app at hand for `inject`. For tests that
 * load msgstore's modules anyway: elsewhere a real `msgstore serve` (server.ts) is the
 * cheaper start, as it loads one bundled file where this loads the sources one by one
 * through tsx (measured in docs/design.md, "Tests").
 */
export interface InProcessServer extends Pick<RunningServer, 'baseUrl' | 'dataDir' | 'admin'> {
  store: RunningStore
  stop(): Promise<void>
}

export async function startInProcess(options: ServeOptions = {}): Promise<InProcessServer> {
  const dataDir = options.data ?? tempDir()
  const database = options.database ?? (await databaseFor(dataDir))
  const config = loadConfig(
    { demo: false, ...options, data: dataDir, database, port: '0', adminToken: ADMIN_TOKEN },
    { ...process.env, MSGSTORE_LOG_LEVEL: 'error' },
    () => 'unused',
  )
  const store = await startStore(config)
  return {
    baseUrl: store.listening,
    dataDir,
    store,
    admin: adminCaller(store.listening),
    stop: () => store.close(),
  }
}
