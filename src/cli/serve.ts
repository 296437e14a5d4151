import fs from 'node:fs'
import { DEMO, ensureDemo } from '../app/demo.js'
import { lockSqliteStore } from '../app/serve-lock.js'
import { startStore } from '../app/start-store.js'
import { type Config, loadConfig, type ServeOptions } from '../config/config.js'
import { ApiError } from '../domain/errors.js'
import type { HttpExtensions } from '../http/server.js'
import { randomToken } from '../lib/secrets.js'
import { stopWhenNpmParentExits } from './parent-watch.js'

const SHUTDOWN_LIMIT_MS = 9000

/** `msgstore serve`: open the store, listen, print the ready line, and stop cleanly on SIGTERM/SIGINT. */
export async function serve(options: ServeOptions, extensions: HttpExtensions = {}): Promise<void> {
  const config = loadConfig(options, process.env, () => randomToken(24))
  // --shared-store is the one way several processes may serve one SQLite store at once.
  const lock = config.sharedStore ? undefined : lockSqliteStore(config.databaseUrl)
  process.on('exit', () => lock?.release())
  let demoCreated = false
  const store = await startStore(config, {
    extensions,
    async beforeListen(services) {
      if (config.provisionFile) await applyProvisionFile(services.provision, config.provisionFile)
      demoCreated = config.demo ? await ensureDemo(services) : false
    },
  })
  const { app, services, listening } = store

  if (config.adminTokenGenerated) console.log(`admin token: ${config.adminToken}`)
  if (demoCreated || config.demo) printDemo(config, services.publicUrl.value)
  console.log(`msgstore listening on ${listening}`)
  // The second ready line: opening it logs a browser in to the web inbox, once.
  console.log(`msgstore inbox on ${services.publicUrl.value}/inbox/?code=${services.inbox.login.issueCode()}`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'shutting down')
    const timer = setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS)
    timer.unref()
    try {
      await store.close()
      process.exit(0)
    } catch (err) {
      console.error(err)
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  stopWhenNpmParentExits(() => void stop('parent exited'))
}

async function applyProvisionFile(apply: (file: unknown) => Promise<unknown>, file: string): Promise<void> {
  let parsed: unknown
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(
      `cannot read provisioning file ${file}: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  try {
    await apply(parsed)
  } catch (err) {
    if (err instanceof ApiError) throw new Error(`provisioning file ${file}: ${err.message}`)
    throw err
  }
}

function printDemo(config: Config, base: string): void {
  if (!config.demo) return
  console.log(
    [
      'demo account (created in an empty store):',
      `  client id ${DEMO.clientId}, client secret ${DEMO.clientSecret}`,
      `  username ${DEMO.username}, extension ${DEMO.extension}, password ${DEMO.password}`,
      `  curl -u ${DEMO.clientId}:${DEMO.clientSecret} -d grant_type=password --data-urlencode username=${DEMO.username} -d extension=${DEMO.extension} -d password=${DEMO.password} ${base}/restapi/oauth/token`,
    ].join('\n'),
  )
}

export { applyProvisionFile }
