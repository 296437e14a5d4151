import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ADMIN_TOKEN, databaseFor, MAIN, tempDir } from '../helpers/server.js'

// The README's run commands as an operator types them: `npm start -- …` and
// `npx msgstore serve …` from the checkout. SIGTERM goes to the process the command
// started (npm), as a service manager or a CI teardown sends it; the server must stop
// with it and free its port, and starting must not rebuild anything.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const STOP_LIMIT_MS = 10_000

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

async function startThroughNpm(command: string[]) {
  const dataDir = tempDir()
  const database = await databaseFor(dataDir)
  const serveArgs = ['--port', '0', '--data', dataDir, '--admin-token', ADMIN_TOKEN, '--no-demo']
  if (database) serveArgs.push('--database', database)
  const child = spawn(command[0]!, [...command.slice(1), ...serveArgs], {
    cwd: root,
    env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error' },
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
    const timer = setTimeout(() => reject(new Error(`no ready line:\n${out}`)), 60_000)
    child.stdout!.on('data', () => {
      const m = /^msgstore listening on (\S+)$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code}:\n${out}`))
    })
  })
  return { child, baseUrl, port: Number(new URL(baseUrl).port), output: () => out }
}

async function checkStartAndStop(command: string[]) {
  const builtAt = fs.statSync(MAIN).mtimeMs
  const { child, baseUrl, port, output } = await startThroughNpm(command)
  try {
    const health = await fetch(`${baseUrl}/healthz`)
    assert.equal(health.status, 200)
    assert.equal(fs.statSync(MAIN).mtimeMs, builtAt, 'starting rebuilt dist/')
    assert.doesNotMatch(output(), /> tsc|npm warn/i)

    child.kill('SIGTERM')
    const deadline = Date.now() + STOP_LIMIT_MS
    while (!(await portIsFree(port))) {
      assert.ok(
        Date.now() < deadline,
        `port ${port} still held ${STOP_LIMIT_MS} ms after SIGTERM:\n${output()}`,
      )
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: root, timeout: 60_000 }, (err, stdout) =>
      err ? reject(err) : resolve(String(stdout)),
    )
  })
}

describe('starting and stopping from a checkout', () => {
  test('npm start -- [options] serves, and SIGTERM to npm frees the port', async () => {
    await checkStartAndStop(['npm', 'start', '--'])
  })

  test('npx msgstore serve serves without rebuilding, and SIGTERM to npx frees the port', async () => {
    await checkStartAndStop(['npx', 'msgstore', 'serve'])
  })

  test('msgstore --version prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
    assert.equal((await run(process.execPath, [MAIN, '--version'])).trim(), version)
    assert.equal((await run('npx', ['msgstore', '--version'])).trim(), version)
  })
})
