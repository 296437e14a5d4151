import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import {
  attachmentOf,
  createReport,
  download,
  listArchives,
  REPORTS,
  recordsOf,
  unzip,
  waitForStatus,
} from '../helpers/exports.js'
import { ALICE, BOB, deliverOne, login, type Platform, sdkError, startProvisioned } from '../helpers/sdk.js'
import { databaseFor, type RunningServer } from '../helpers/server.js'

/** Attachment archives split by size (`--archive-max-bytes`), and archives that expire (`--export-ttl`). */

const LIMIT = 64 * 1024
const FROM = '2024-01-01T00:00:00Z'
const TO = '2024-01-31T23:59:59.999Z'

describe('message store report: attachment archives of at most --archive-max-bytes', () => {
  let server: RunningServer
  let alice: Platform
  const sent = new Map<string, Buffer>()
  let big: string

  before(async () => {
    server = await startProvisioned({
      args: ['--clock', 'manual', '--archive-max-bytes', '64K', '--export-ttl', 'P2D'],
    })
    alice = await login(server.baseUrl, ALICE)
    for (let i = 0; i < 14; i++) {
      const bytes = randomBytes(15_000 + i * 500)
      const fileName = `page-${i}.pdf`
      sent.set(fileName, bytes)
      await deliverOne(server, {
        type: 'Fax',
        from: '+14155550123',
        to: [i % 2 ? ALICE.username : BOB.username],
        creationTime: `2024-01-${String(10 + i).padStart(2, '0')}T09:00:00Z`,
        attachments: [{ contentType: 'application/pdf', fileName, base64: bytes.toString('base64') }],
      })
    }
    // Larger than an archive may be: it gets an archive of its own.
    const bytes = randomBytes(LIMIT + 10_000)
    big = 'poster.png'
    sent.set(big, bytes)
    await deliverOne(server, {
      type: 'MMS',
      from: '+14155550123',
      to: [ALICE.username],
      creationTime: '2024-01-05T09:00:00Z',
      attachments: [{ contentType: 'image/png', fileName: big, base64: bytes.toString('base64') }],
    })
  })
  after(async () => {
    await server.stop()
  })

  test('the attachments are split over several archives, each at most the limit, each attachment once', async () => {
    const task = await createReport(alice, { dateFrom: FROM, dateTo: TO })
    await waitForStatus(alice, task.id)
    const archives = await listArchives(alice, task.id)
    assert.ok(archives.length >= 5, `${archives.length} archives`)
    const found = new Map<string, Buffer>()
    const records = recordsOf(await unzip((await download(alice, archives[0]!.uri)).bytes), '1001')
    for (const [i, a] of archives.entries()) {
      if (i === 0) continue
      const res = await download(alice, a.uri)
      assert.equal(res.bytes.length, a.size)
      const zip = await unzip(res.bytes)
      const names = [...zip.entries.keys()]
      if (names.some((n) => n.endsWith(big))) {
        assert.equal(names.length, 1, 'the oversized attachment is alone in its archive')
      } else {
        assert.ok(a.size <= LIMIT, `archive ${i} holds ${a.size} bytes`)
      }
      for (const [name, bytes] of zip.entries) {
        const at = attachmentOf(name, '1001')
        const record = records.get(at.messageId)!.record
        const fileName = record.attachments.find((x: any) => x.id === at.attachmentId).fileName
        assert.ok(!found.has(fileName), `${fileName} twice`)
        found.set(fileName, bytes)
      }
    }
    assert.deepEqual([...found.keys()].sort(), [...sent.keys()].sort())
    for (const [name, bytes] of found) assert.ok(bytes.equals(sent.get(name)!), name)
  })

  test('archives expire after --export-ttl of store-clock time: files, task and downloads are gone', async () => {
    const task = await createReport(alice, { dateFrom: FROM, dateTo: TO })
    await waitForStatus(alice, task.id)
    const archives = await listArchives(alice, task.id)
    const keys: string[] = []
    for (const a of archives)
      keys.push(
        createHash('sha256')
          .update((await download(alice, a.uri)).bytes)
          .digest('hex'),
      )
    const folder = path.join(server.dataDir, 'exports', task.id)
    const onDisk = fs.existsSync(folder)
    if (onDisk) assert.equal(fs.readdirSync(folder).filter((f) => f.endsWith('.zip')).length, archives.length)
    else assert.equal(await blobsPresent(server, keys), archives.length)

    await server.admin('POST', '/admin/v1/clock', { advance: 'P1DT23H' })
    // Access tokens live an hour of store time: log in again after moving the clock.
    alice = await login(server.baseUrl, ALICE)
    assert.equal((await download(alice, archives[1]!.uri)).status, 200)

    await server.admin('POST', '/admin/v1/clock', { advance: 'PT1H1S' })
    alice = await login(server.baseUrl, ALICE)
    assert.equal((await download(alice, archives[1]!.uri)).status, 404)
    const gone = await sdkError(alice.get(`${REPORTS}/${task.id}`))
    assert.equal(gone.status, 404)
    assert.equal(gone.body.errorCode, 'CMN-102')
    assert.equal((await sdkError(alice.get(`${REPORTS}/${task.id}/archive`))).status, 404)
    if (onDisk) assert.ok(!fs.existsSync(folder), `${folder} is still there`)
    else assert.equal(await blobsPresent(server, keys), 0)
  })
})

/** How many of these keys the database blob store holds (PostgreSQL runs, where archives are blobs). */
async function blobsPresent(server: RunningServer, keys: string[]): Promise<number> {
  const url = await databaseFor(server.dataDir)
  assert.ok(url, 'archives are neither files nor blobs in a database')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return Number(
      (await client.query('select count(*) as n from blobs where key = any($1)', [keys])).rows[0].n,
    )
  } finally {
    await client.end()
  }
}
