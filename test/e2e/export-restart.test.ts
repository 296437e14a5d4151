import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import pg from 'pg'
import {
  attachmentOf,
  createReport,
  download,
  listArchives,
  readTask,
  recordsOf,
  unzip,
  waitForStatus,
} from '../helpers/exports.js'
import { ALICE, deliverOne, login, type Platform, startProvisioned } from '../helpers/sdk.js'
import { databaseFor, type RunningServer, startServer, tempDir } from '../helpers/server.js'

/** Report tasks survive a crash of the server, and fail for good only after their last attempt. */

const FROM = '2024-02-01T00:00:00Z'
const TO = '2024-02-29T23:59:59.999Z'

async function fill(server: RunningServer, count: number): Promise<Map<string, Buffer>> {
  const sent = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    const bytes = randomBytes(20_000 + i)
    const fileName = `scan-${i}.pdf`
    sent.set(fileName, bytes)
    await deliverOne(server, {
      type: 'Fax',
      from: '+14155550123',
      to: [ALICE.username],
      creationTime: `2024-02-${String(1 + i).padStart(2, '0')}T10:00:00Z`,
      attachments: [{ contentType: 'application/pdf', fileName, base64: bytes.toString('base64') }],
    })
  }
  return sent
}

async function waitForOutput(server: RunningServer, pattern: RegExp): Promise<void> {
  while (!pattern.test(server.output())) {
    if (server.process.exitCode !== null) assert.fail(`server exited:\n${server.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('message store report: a task interrupted by a crash completes after the restart', () => {
  const dataDir = tempDir()
  const args = ['--clock', 'manual', '--archive-max-bytes', '64K']
  let server: RunningServer
  after(async () => {
    await server?.stop()
  })

  test('killed after archive 2 of several, the restarted server writes the rest and completes', async () => {
    server = await startProvisioned({ dataDir, args, env: { MSGSTORE_TEST_EXPORT_STALL_AFTER: '2' } })
    let alice: Platform = await login(server.baseUrl, ALICE)
    const sent = await fill(server, 12)
    const task = await createReport(alice, { dateFrom: FROM, dateTo: TO })
    await waitForOutput(server, new RegExp(`export ${task.id} stalled after archive 2`))
    assert.equal((await readTask(alice, task.id)).status, 'InProgress')
    assert.deepEqual(await listArchives(alice, task.id), [])
    const folder = path.join(dataDir, 'exports', task.id)
    const written = fs.existsSync(folder)
      ? new Map(fs.readdirSync(folder).map((f) => [f, fs.statSync(path.join(folder, f)).mtimeMs]))
      : undefined
    if (written) assert.deepEqual([...written.keys()].sort(), ['0.zip', '1.zip', '2.zip'])

    await server.kill()
    server = await startServer({ dataDir, args })
    alice = await login(server.baseUrl, ALICE)
    const statuses: string[] = []
    const done = await waitForStatus(alice, task.id, ['Completed'], statuses)
    assert.ok(done.finishTime)
    const archives = await listArchives(alice, task.id)
    assert.ok(archives.length > 3, `${archives.length} archives`)
    // Resumed, not redone: the archives finished before the crash were kept as they were.
    if (written) {
      for (const [file, mtime] of written)
        assert.equal(fs.statSync(path.join(folder, file)).mtimeMs, mtime, file)
      assert.ok(!fs.readdirSync(folder).some((f) => f.endsWith('.partial')))
    }
    const records = recordsOf(await unzip((await download(alice, archives[0]!.uri)).bytes), '1001')
    assert.equal(records.size, sent.size)
    const found = new Map<string, Buffer>()
    for (const a of archives.slice(1)) {
      const res = await download(alice, a.uri)
      assert.equal(res.bytes.length, a.size)
      for (const [name, bytes] of (await unzip(res.bytes)).entries) {
        const at = attachmentOf(name, '1001')
        const fileName = records.get(at.messageId)!.record.attachments[0].fileName
        assert.ok(!found.has(fileName), `${fileName} twice`)
        found.set(fileName, bytes)
      }
    }
    assert.deepEqual([...found.keys()].sort(), [...sent.keys()].sort())
    for (const [name, bytes] of found) assert.ok(bytes.equals(sent.get(name)!), name)
  })
})

describe('message store report: failed attempts', () => {
  let server: RunningServer
  after(async () => {
    await server?.stop()
  })

  test('an attempt that fails is AttemptFailed and retried on the store clock; after the last, Failed', async () => {
    server = await startProvisioned({ args: ['--clock', 'manual'] })
    const alice = await login(server.baseUrl, ALICE)
    await fill(server, 3)
    // Lose the bytes of one attachment behind the store's back.
    const list = await (
      await alice.get('/restapi/v1.0/account/~/extension/~/message-store', { dateFrom: FROM })
    ).json()
    const content = await alice.get(new URL(list.records[0].attachments[0].uri).pathname)
    await loseBlob(server, content.headers.get('etag')!.replaceAll('"', ''))

    const task = await createReport(alice, { dateFrom: FROM, dateTo: TO })
    const statuses: string[] = []
    await waitForStatus(alice, task.id, ['AttemptFailed'], statuses)
    for (let round = 0; round < 2; round++) {
      // The job runner's backoff is store-clock time: move the clock past it.
      await server.admin('POST', '/admin/v1/clock', { advance: 'PT1M' })
      const now = await readTask(alice, task.id)
      if (statuses[statuses.length - 1] !== now.status) statuses.push(now.status)
    }
    const failed = await readTask(alice, task.id)
    assert.equal(failed.status, 'Failed')
    assert.ok(failed.finishTime)
    assert.ok(statuses.includes('AttemptFailed'), statuses.join(' → '))
    assert.deepEqual(await listArchives(alice, task.id), [])
  })
})

async function loseBlob(server: RunningServer, key: string): Promise<void> {
  const url = await databaseFor(server.dataDir)
  if (!url) {
    fs.rmSync(path.join(server.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key))
    return
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(
      'delete from blob_chunks where upload_id in (select upload_id from blobs where key = $1)',
      [key],
    )
    await client.query('delete from blobs where key = $1', [key])
  } finally {
    await client.end()
  }
}
