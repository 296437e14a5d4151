import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from './server.js'

/**
 * RingCentral's JavaScript samples, read at run time from the reference guides beside
 * the project (`../shared/reference/guides`), and run as the guides tell a developer to:
 * a file of their own in a project folder, `node` on it, with the packages installed.
 * Nothing of the samples is copied into the project.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const GUIDES = path.resolve(root, '../shared/reference/guides')

export interface SampleSource {
  /** `FILE.md#N` (the Nth JavaScript block of the guide) or `samples/FILE.js`. */
  key: string
  code: string
}

/** Every JavaScript block of the guides and every file of guides/samples. */
export function findSamples(): SampleSource[] {
  const found: SampleSource[] = []
  for (const name of fs
    .readdirSync(GUIDES)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = fs.readFileSync(path.join(GUIDES, name), 'utf8')
    // Fences may be indented (the guides' language tabs); the code inside is not always.
    const fence = /^([ \t]*)```(?:javascript|js)[ \t]*\n([\s\S]*?)^[ \t]*```[ \t]*$/gim
    let n = 0
    for (const m of text.matchAll(fence)) {
      n += 1
      found.push({ key: `${name}#${n}`, code: m[2]!.replace(/^ {4}/, '') })
    }
  }
  const samples = path.join(GUIDES, 'samples')
  for (const name of fs
    .readdirSync(samples)
    .filter((f) => f.endsWith('.js'))
    .sort()) {
    found.push({ key: `samples/${name}`, code: fs.readFileSync(path.join(samples, name), 'utf8') })
  }
  return found
}

/** What a sample's placeholders become. */
export interface Placeholders {
  server: string
  clientId: string
  clientSecret: string
  jwt: string
  recipient: string
}

/** Replaces the guides' placeholders (and only those) in a sample's text. */
export function substitute(code: string, p: Placeholders): string {
  return code
    .replaceAll('https://platform.ringcentral.com', p.server)
    .replaceAll('RC_APP_CLIENT_ID', p.clientId)
    .replaceAll('RC_APP_CLIENT_SECRET', p.clientSecret)
    .replaceAll('"RC_USER_JWT"', JSON.stringify(p.jwt))
    .replaceAll('RECIPIENT-PHONE-NUMBER', p.recipient)
}

/**
 * The guides' samples start from a quick-start project (`require('./../quick-start.js')`,
 * or a `.env` file read with dotenv) that logs the user in with a JWT and, for the
 * receiving samples, offers a WebSocket subscription. This is that project's module,
 * written for the test: the same SDK calls, reading the values the test gives it from
 * the environment.
 */
const QUICK_START = `const SDK = require('@ringcentral/sdk').SDK
const rcsdk = new SDK({
  server: process.env.RC_SERVER_URL,
  clientId: process.env.RC_APP_CLIENT_ID,
  clientSecret: process.env.RC_APP_CLIENT_SECRET,
})
const platform = rcsdk.platform()
const subscription = new (require('@ringcentral/subscriptions').Subscriptions)({ sdk: rcsdk }).createSubscription()
platform.login({ jwt: process.env.RC_USER_JWT })
module.exports = { platform, subscription, RECIPIENT: process.env.RECIPIENT }
`

export interface SampleRun {
  code: number | null
  stdout: string
  stderr: string
  /** The folder the sample ran in (files it wrote are there). */
  dir: string
}

/** A sample that keeps running (a subscriber): its output so far, and a way to end it. */
export interface RunningSample {
  readonly stdout: string
  readonly stderr: string
  /** Ends it (SIGKILL) and answers how it ran. */
  stop(): Promise<SampleRun>
  /** Settles when it ends by itself (or is stopped). */
  readonly exited: Promise<SampleRun>
}

/**
 * Runs a sample with `node` as a CommonJS script (the guides' samples are written for
 * one: sloppy-mode globals, `require`) in a folder of its own, beside a quick-start
 * module and `.env`, with `files` (e.g. `test.jpg`) in it. The project's node_modules
 * provide the SDK, form-data and dotenv. Killed after `timeoutMs`.
 */
export function runSample(
  code: string,
  p: Placeholders,
  files: Record<string, Buffer> = {},
  timeoutMs = 120_000,
): Promise<SampleRun> {
  return startSample(code, p, files, timeoutMs).exited
}

/** Starts a sample as runSample does, without waiting for it to end. */
export function startSample(
  code: string,
  p: Placeholders,
  files: Record<string, Buffer> = {},
  timeoutMs = 120_000,
): RunningSample {
  const project = tempDir('msgstore-sample-')
  const dir = path.join(project, 'sample')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(project, 'package.json'), '{"type":"commonjs"}\n')
  fs.writeFileSync(path.join(project, 'quick-start.js'), QUICK_START)
  const env = {
    RC_SERVER_URL: p.server,
    RC_APP_CLIENT_ID: p.clientId,
    RC_APP_CLIENT_SECRET: p.clientSecret,
    RC_USER_JWT: p.jwt,
    RECIPIENT: p.recipient,
  }
  fs.writeFileSync(
    path.join(dir, '.env'),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  )
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes)
  fs.writeFileSync(path.join(dir, 'sample.js'), code)
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RC_')))
  const child = spawn(process.execPath, ['sample.js'], {
    cwd: dir,
    env: { ...inherited, ...env, NODE_PATH: path.join(root, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const exited = new Promise<SampleRun>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, dir })
    })
  })
  return {
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    exited,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      return exited
    },
  }
}

/**
 * A sample's own bug, fixed in the smallest way: `find` must occur in the sample (so a
 * corrected guide makes the test say the fix is no longer needed).
 */
export function fix(code: string, find: string | RegExp, replace: string, why: string): string {
  const present = typeof find === 'string' ? code.includes(find) : find.test(code)
  if (!present) throw new Error(`the sample no longer has the bug the test fixes (${why})`)
  return typeof find === 'string' ? code.replace(find, replace) : code.replace(find, replace)
}
