import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import {
  ADMIN_TOKEN,
  databaseFor,
  MAIN,
  type RunningServer,
  STANDARD_FILE,
  startServer,
  tempDir,
} from '../helpers/server.js'

/** What an operator sees when something is wrong: a clear message, exit code 1, nothing touched. */
const servers: RunningServer[] = []

after(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

async function start(...args: Parameters<typeof startServer>): Promise<RunningServer> {
  const server = await startServer(...args)
  servers.push(server)
  return server
}

/** Runs the real CLI to its end; answers its exit code and output. */
function cli(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd, timeout: 60_000, env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error' } },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    )
  })
}

describe('serve refuses bad options before touching anything', () => {
  test('an unknown --log-level is named, with the levels allowed, and no data folder is created', async () => {
    const data = path.join(tempDir(), 'not-yet')
    const run = await cli(['serve', '--port', '0', '--data', data, '--log-level', 'verbose'])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /--log-level: expected one of fatal, error, warn, info, debug.*got verbose/)
    assert.doesNotMatch(run.stderr, /custom levels|at .*\.js/)
    assert.equal(fs.existsSync(data), false)
  })

  test('an unreachable PostgreSQL is named (without its password) and the process exits 1', async () => {
    const data = path.join(tempDir(), 'not-yet')
    // Port 1 on the loopback: nothing listens there, the connection is refused at once.
    const url = 'postgres://msgstore:hunter2@127.0.0.1:1/msgstore'
    const run = await cli(['serve', '--port', '0', '--data', data, '--database', url])
    assert.equal(run.code, 1)
    assert.match(
      run.stderr,
      /cannot reach the database postgres:\/\/msgstore:\*\*\*@127\.0\.0\.1:1\/msgstore/,
    )
    assert.match(run.stderr, /ECONNREFUSED/)
    assert.doesNotMatch(run.stderr, /migration|hunter2/)
  })
})

describe('a SQLite store named by --database alone', () => {
  test('keeps its attachment files beside the database file, not in ./data', async () => {
    const cwd = tempDir()
    const storeDir = tempDir()
    const server = await start({
      cwd,
      noDataFlag: true,
      args: ['--database', `sqlite:${path.join(storeDir, 'store.db')}`],
    })
    assert.equal((await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
    const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'Fax',
      from: '+14155550123',
      to: ['+16505550101'],
      attachments: [
        { contentType: 'text/plain', fileName: 'fax.txt', base64: Buffer.from('page').toString('base64') },
      ],
    })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    assert.equal(fs.existsSync(path.join(cwd, 'data')), false)
    assert.ok(fs.existsSync(path.join(storeDir, 'blobs')), 'no blobs folder beside the database')
  })
})

describe('one serve per SQLite store', () => {
  test('a second serve on the same folder refuses with a clear message; once the first stops, it starts', async () => {
    const dataDir = tempDir()
    const sqlite = ['--database', `sqlite:${path.join(dataDir, 'msgstore.db')}`]
    const first = await start({ dataDir, args: sqlite })
    const second = await cli(['serve', '--port', '0', '--data', dataDir, ...sqlite, '--no-demo'])
    assert.equal(second.code, 1)
    assert.match(
      second.stderr,
      new RegExp(
        `another msgstore serve \\(process ${first.process.pid}\\) is already using .*msgstore\\.db`,
      ),
    )
    // The first server is unharmed.
    assert.equal((await first.admin('GET', '/admin/v1/clock')).status, 200)
    assert.equal(await first.stop(), 0)
    const third = await start({ dataDir, args: sqlite })
    // A crash leaves the lock behind; the next start takes it over.
    await third.kill()
    await start({ dataDir, args: sqlite })
  })
})

describe('jwt', () => {
  test('for a missing account names the account', async () => {
    const dataDir = tempDir()
    const database = await databaseFor(dataDir)
    const store = database ? ['--database', database] : ['--data', dataDir]
    const file = path.join(dataDir, 'provision.json')
    fs.writeFileSync(file, JSON.stringify(STANDARD_FILE))
    assert.equal((await cli(['provision', file, ...store])).code, 0)
    const missing = await cli(['jwt', '--account', '9999', '--extension', '62001', ...store])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /\[accountId\]/)
    const wrongExtension = await cli(['jwt', '--account', '1001', '--extension', '99999', ...store])
    assert.equal(wrongExtension.code, 1)
    assert.match(wrongExtension.stderr, /\[extensionId\]/)
    const ok = await cli(['jwt', '--account', '1001', '--extension', '62001', ...store])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /^ey/)
  })

  test('through the admin API too', async () => {
    const server = await start()
    assert.equal((await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
    const res = await fetch(`${server.baseUrl}/admin/v1/accounts/9999/extensions/62001/jwt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    assert.equal(res.status, 404)
    const body = await res.json()
    assert.equal(body.errors[0].parameterName, 'accountId')
    assert.match(body.message, /\[accountId\]/)
  })
})
