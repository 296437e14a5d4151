import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { runCli } from '../helpers/cli.js'
import { createReport, download, listArchives, recordsOf, unzip, waitForStatus } from '../helpers/exports.js'
import { ALICE, BOB, deliverOne, login, startProvisioned } from '../helpers/sdk.js'
import { databaseFor, type RunningServer, tempDir } from '../helpers/server.js'

/** `msgstore export` writes the same archives as the report API, straight to a folder. */

const FROM = '2023-06-01T00:00:00Z'
const TO = '2023-06-30T23:59:59.999Z'

describe('msgstore export', () => {
  let server: RunningServer
  let baseUrl: string
  let storeArgs: string[]
  /** Every entry of every archive the API wrote for the same range. */
  const fromApi = new Map<string, Buffer>()

  before(async () => {
    server = await startProvisioned()
    baseUrl = server.baseUrl
    for (let i = 0; i < 8; i++) {
      await deliverOne(server, {
        type: i % 2 ? 'VoiceMail' : 'MMS',
        from: '+14155550123',
        to: [i % 3 ? ALICE.username : BOB.username],
        text: i % 2 ? undefined : `mms ${i}`,
        creationTime: `2023-06-${String(3 + i * 3).padStart(2, '0')}T12:00:00Z`,
        attachments: [
          {
            contentType: i % 2 ? 'audio/wav' : 'image/png',
            base64: randomBytes(30_000 + i).toString('base64'),
          },
        ],
      })
    }
    await deliverOne(server, {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'July, outside',
      creationTime: '2023-07-01T00:00:00Z',
    })
    const alice = await login(server.baseUrl, ALICE)
    const task = await createReport(alice, { dateFrom: FROM, dateTo: TO })
    await waitForStatus(alice, task.id)
    for (const a of await listArchives(alice, task.id)) {
      for (const [name, bytes] of (await unzip((await download(alice, a.uri)).bytes)).entries)
        fromApi.set(name, bytes)
    }
    await server.stop()
    const database = await databaseFor(server.dataDir)
    storeArgs = database ? ['--database', database] : ['--data', server.dataDir]
  })
  after(async () => {
    await server.stop()
  })

  test('writes archive 0 and the attachment archives with the same entries as the API, and a summary', async () => {
    const out = path.join(tempDir(), 'report')
    const res = await runCli([
      'export',
      '--account',
      '1001',
      '--from',
      FROM,
      '--to',
      TO,
      '--out',
      out,
      '--archive-max-bytes',
      '100K',
      '--public-url',
      baseUrl,
      '--json',
      ...storeArgs,
    ])
    assert.equal(res.code, 0, res.stderr)
    const summary = JSON.parse(res.stdout)
    assert.equal(summary.accountId, '1001')
    assert.equal(summary.messages, 8)
    assert.equal(summary.attachments, 12)
    assert.ok(summary.archives.length >= 3, `${summary.archives.length} archives`)
    assert.ok(summary.peakRssBytes > 0 && summary.seconds > 0)
    const files = fs.readdirSync(out).sort()
    assert.deepEqual(files, summary.archives.map((a: { file: string }) => path.basename(a.file)).sort())
    const fromCli = new Map<string, Buffer>()
    for (const [i, a] of summary.archives.entries()) {
      assert.equal(a.file, path.join(out, `message-store-report-1001-${i}.zip`))
      const bytes = fs.readFileSync(a.file)
      assert.equal(bytes.length, a.size)
      if (i > 0) assert.ok(a.size <= 100 * 1024, `${a.file}: ${a.size} bytes`)
      for (const [name, entry] of (await unzip(bytes)).entries) fromCli.set(name, entry)
    }
    assert.deepEqual([...fromCli.keys()].sort(), [...fromApi.keys()].sort())
    for (const [name, bytes] of fromCli) assert.ok(bytes.equals(fromApi.get(name)!), name)
    const json = new Map([...fromCli].filter(([name]) => name.endsWith('/message-store.json')))
    assert.equal(recordsOf({ entries: json, comment: '' }, '1001').size, 8)
  })

  test('the text summary names every archive', async () => {
    const out = path.join(tempDir(), 'report')
    const res = await runCli([
      'export',
      '--account',
      '1001',
      '--from',
      FROM,
      '--to',
      TO,
      '--out',
      out,
      ...storeArgs,
    ])
    assert.equal(res.code, 0, res.stderr)
    assert.match(res.stdout, /exported account 1001, .*: 8 messages, 12 attachments/)
    for (const f of fs.readdirSync(out)) assert.ok(res.stdout.includes(path.join(out, f)), f)
  })

  test('bad options: a message naming the option, exit 1', async () => {
    const out = path.join(tempDir(), 'report')
    const bad = await runCli(['export', '--account', '1001', '--from', 'soon', '--out', out, ...storeArgs])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /--from/)
    const unknown = await runCli(['export', '--account', '999', '--out', out, ...storeArgs])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /--account/)
    const types = await runCli([
      'export',
      '--account',
      '1001',
      '--types',
      'Fax,Telex',
      '--out',
      out,
      ...storeArgs,
    ])
    assert.equal(types.code, 1)
    assert.match(types.stderr, /--types/)
  })

  test('--help documents it', async () => {
    const res = await runCli(['export', '--help'])
    assert.equal(res.code, 0)
    for (const option of [
      '--account',
      '--from',
      '--to',
      '--out',
      '--archive-max-bytes',
      '--data',
      '--database',
    ]) {
      assert.ok(res.stdout.includes(option), option)
    }
  })
})
