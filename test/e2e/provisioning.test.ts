import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { runCli } from '../helpers/cli.js'
import { ALICE, APP, BOB, login, MESSAGE_STORE, OLGA, sdkError } from '../helpers/sdk.js'
import { type RunningServer, STANDARD_FILE, startServer, tempDir } from '../helpers/server.js'

// `msgstore provision` fills a store offline; a server started on it afterwards serves it.
let dataDir: string
let file: string
let server: RunningServer | undefined

before(() => {
  dataDir = tempDir()
  file = path.join(tempDir('msgstore-file-'), 'accounts.json')
  fs.writeFileSync(file, JSON.stringify(STANDARD_FILE, null, 2))
})
after(async () => {
  await server?.stop()
})

function writeFile(content: unknown): string {
  const p = path.join(tempDir('msgstore-file-'), 'file.json')
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content))
  return p
}

describe('msgstore provision', () => {
  test('applies a file to a data folder', async () => {
    const res = await runCli(['provision', file, '--data', dataDir])
    assert.equal(res.code, 0, res.stderr)
    assert.match(res.stdout, /provisioned/)
    assert.ok(fs.existsSync(path.join(dataDir, 'msgstore.db')))
  })

  test('applying it again changes nothing', async () => {
    const res = await runCli(['provision', file, '--data', dataDir])
    assert.equal(res.code, 0, res.stderr)
  })

  test('MSGSTORE_DATA names the folder too', async () => {
    const dir = tempDir()
    const res = await runCli(['provision', file], { MSGSTORE_DATA: dir })
    assert.equal(res.code, 0, res.stderr)
    assert.ok(fs.existsSync(path.join(dir, 'msgstore.db')))
  })

  test('a bad file fails naming the field, and applies nothing', async () => {
    const bad = structuredClone(STANDARD_FILE) as { accounts: { extensions: Record<string, unknown>[] }[] }
    bad.accounts[1]!.extensions[0]!.status = 'Sleeping'
    const dir = tempDir()
    const res = await runCli(['provision', writeFile(bad), '--data', dir])
    assert.equal(res.code, 1)
    assert.match(res.stderr, /accounts\[1\]\.extensions\[0\]\.status/)
    assert.equal(res.stdout, '')
    // The good first account was not applied either: a server on that folder has no accounts.
    const empty = await startServer({ dataDir: dir })
    try {
      const failed = await sdkError(login(empty.baseUrl, ALICE))
      assert.equal(failed.status, 401)
      assert.equal(failed.body.error, 'invalid_client')
    } finally {
      await empty.stop()
    }
  })

  test('a file that is not JSON, or missing, fails with a message', async () => {
    for (const p of [writeFile('{ not json'), path.join(tempDir(), 'missing.json')]) {
      const res = await runCli(['provision', p, '--data', tempDir()])
      assert.equal(res.code, 1)
      assert.match(res.stderr, /^msgstore: .*provisioning file/m)
    }
  })
})

describe('serving a provisioned store', () => {
  before(async () => {
    // --provision re-applies the same file at start: idempotent again.
    server = await startServer({ dataDir, args: ['--provision', file] })
  })

  test('every provisioned user logs in with the SDK and reads their mailbox', async () => {
    for (const user of [ALICE, BOB, OLGA]) {
      const platform = await login(server!.baseUrl, user, APP)
      const res = await platform.get(MESSAGE_STORE)
      assert.equal(res.status, 200)
      assert.equal((await platform.auth().data()).owner_id, user.id)
    }
  })

  test('the ids of the file are the ids served', async () => {
    const res = await server!.admin('POST', '/admin/v1/provision', STANDARD_FILE)
    assert.equal(res.status, 200)
    assert.deepEqual(
      res.body.accounts.map((a: { id: string; extensions: { id: string }[] }) => [
        a.id,
        a.extensions.map((e) => e.id),
      ]),
      [
        ['1001', ['62001', '62002', '62003', '62900']],
        ['2001', ['72001']],
      ],
    )
  })
})
