import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const MAIN = path.join(root, 'dist/main.js')
const BENCH_SERVER = path.join(root, 'bench/server.ts')
export const ADMIN_TOKEN = 'test-admin-token'

export interface RunningServer {
  baseUrl: string
  dataDir: string
  process: ChildProcess
  output: () => string
  /** Calls the admin API; answers the status and parsed JSON body (if any). */
  admin(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }>
  /** SIGTERM, then waits for exit; answers the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL, no cleanup: a crash. */
  kill(): Promise<void>
}

export interface StartOptions {
  dataDir?: string
  args?: string[]
  env?: Record<string, string>
  demo?: boolean
  /** Leave out `--data` (the server then derives its folder from its options). */
  noDataFlag?: boolean
  /** Working folder of the server process. */
  cwd?: string
  /** Run the bench's server (bench/server.ts: msgstore plus its `/__bench` routes). */
  benchServer?: boolean
}

export function tempDir(prefix = 'msgstore-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/**
 * The database a test server uses. With MSGSTORE_TEST_DATABASE_URL set (a PostgreSQL
 * server, see scripts/with-postgres.sh), each data folder gets a fresh database of its
 * own on that server; otherwise the embedded SQLite store in the data folder.
 */
export async function databaseFor(dataDir: string): Promise<string | undefined> {
  const serverUrl = process.env.MSGSTORE_TEST_DATABASE_URL
  if (!serverUrl) return undefined
  const name = `msgstore_${path.basename(dataDir).replace(/\W/g, '_').toLowerCase()}`
  const marker = path.join(dataDir, 'database-url')
  if (fs.existsSync(marker)) return fs.readFileSync(marker, 'utf8')
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  fs.writeFileSync(marker, url.toString())
  return url.toString()
}

/** Starts the real `msgstore serve` on a free port and waits for its ready line. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? tempDir()
  const database = await databaseFor(dataDir)
  const args = [
    ...(opts.benchServer ? ['--import', 'tsx', BENCH_SERVER] : [MAIN]),
    'serve',
    '--port',
    '0',
    ...(opts.noDataFlag ? [] : ['--data', dataDir]),
    '--admin-token',
    ADMIN_TOKEN,
    ...(opts.args ?? []),
  ]
  if (database && !args.includes('--database')) args.push('--database', database)
  if (!opts.demo) args.push('--no-demo')
  // MSGSTORE_TEST_NODE_ARGS: extra node flags for the server, e.g. --cpu-prof when profiling.
  const nodeArgs = process.env.MSGSTORE_TEST_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error', ...opts.env },
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
  })
  child.stderr!.on('data', (d) => {
    out += d
  })
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that starts after all would keep this test process alive: end it.
      child.kill('SIGKILL')
      reject(new Error(`server did not start:\n${out}`))
    }, 60000)
    const check = () => {
      const m = /^msgstore listening on (\S+)$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', check)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${out}`))
    })
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    baseUrl,
    dataDir,
    process: child,
    output: () => out,
    admin: adminCaller(baseUrl),
    async stop() {
      if (child.exitCode !== null) return child.exitCode
      child.kill('SIGTERM')
      return exited
    },
    async kill() {
      if (child.exitCode !== null) return
      child.kill('SIGKILL')
      await exited
    },
  }
}

/** Calls the admin API of the server at `baseUrl` with the tests' admin token. */
export function adminCaller(baseUrl: string): RunningServer['admin'] {
  return async (method, pathname, body) => {
    const res = await fetch(`${baseUrl}${pathname}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }
}

/** A small account: a SuperAdmin (101), a user (102), a disabled user (103), a department (200), and an app. */
export const STANDARD_FILE = {
  accounts: [
    {
      id: '1001',
      name: 'Acme Inc',
      mainNumber: '+16505550100',
      extensions: [
        {
          id: '62001',
          extensionNumber: '101',
          name: 'Alice Admin',
          role: 'SuperAdmin',
          password: 'alice-secret',
          phoneNumbers: ['+16505550101'],
        },
        {
          id: '62002',
          extensionNumber: '102',
          name: 'Bob',
          password: 'bob-secret',
          phoneNumbers: ['+16505550102'],
        },
        {
          id: '62003',
          extensionNumber: '103',
          name: 'Dora Disabled',
          status: 'Disabled',
          password: 'dora-secret',
          phoneNumbers: ['+16505550103'],
        },
        { id: '62900', extensionNumber: '200', name: 'Sales', type: 'Department', members: ['101', '102'] },
      ],
    },
    {
      id: '2001',
      name: 'Other Corp',
      mainNumber: '+17205550100',
      extensions: [
        {
          id: '72001',
          extensionNumber: '101',
          name: 'Olga',
          role: 'SuperAdmin',
          password: 'olga-secret',
          phoneNumbers: ['+17205550101'],
        },
      ],
    },
  ],
  apps: [
    {
      clientId: 'test-client',
      clientSecret: 'test-secret',
      name: 'Test app',
      grantTypes: ['password', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token'],
      permissions: [
        'ReadMessages',
        'EditMessages',
        'SMS',
        'Faxes',
        'InternalMessages',
        'ReadAccounts',
        'EditAccounts',
        'SubscriptionWebhook',
      ],
    },
    {
      clientId: 'readonly-client',
      clientSecret: 'readonly-secret',
      name: 'No permissions',
      grantTypes: ['password'],
      permissions: [],
    },
  ],
}
