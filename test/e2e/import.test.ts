import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import yazl from 'yazl'
import { runCli } from '../helpers/cli.js'
import { ALICE, BOB, deliverOne, login, type Platform, startProvisioned } from '../helpers/sdk.js'
import { advance, content, messages, post } from '../helpers/sending.js'
import { databaseFor, type RunningServer, startServer, tempDir } from '../helpers/server.js'
import { fsync, isync } from '../helpers/sync.js'

/**
 * `msgstore import` loads an account's export archives into another store: msgstore's
 * own export of every message type (inbound SMS, MMS, fax and voicemail, sent SMS, a
 * company pager message, Deleted ones too) imports into a freshly provisioned store and
 * lists through the SDK record for record, with byte-identical attachments. The same
 * import again changes nothing a sync client sees; a file that is not an export archive
 * is refused with a clear message and exit code, before anything is written.
 */

const FROM = '2020-01-01T00:00:00Z'
const EVERY = { availability: ['Alive', 'Deleted'] }

/** Every record of a mailbox, and the bytes of every attachment, with the server's base URL taken out. */
async function snapshot(platform: Platform, baseUrl: string) {
  const records = await messages(platform, EVERY)
  const bytes: Record<string, string> = {}
  for (const r of records) {
    if (r.availability !== 'Alive') continue
    for (const a of r.attachments) {
      const got = await content(platform, a.uri)
      bytes[`${r.id}/${a.id}`] = got.bytes.toString('base64')
    }
  }
  return { records: JSON.parse(JSON.stringify(records).replaceAll(baseUrl, '')), bytes }
}

async function storeArgsOf(server: RunningServer): Promise<string[]> {
  const database = await databaseFor(server.dataDir)
  return database ? ['--database', database] : ['--data', server.dataDir]
}

describe('msgstore import', () => {
  let source: { alice: any; bob: any }
  let archives: string[]
  let target: RunningServer
  let targetArgs: string[]
  let token = ''

  before(async () => {
    // The manual clock: outbound messages stay where the test leaves them until export.
    const server = await startProvisioned({ args: ['--clock', 'manual'] })
    const alice = await login(server.baseUrl, ALICE)
    const bob = await login(server.baseUrl, BOB)
    const at = (day: number) => `2024-05-${String(day).padStart(2, '0')}T12:00:00Z`
    await deliverOne(server, {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'sms in',
      creationTime: at(1),
    })
    await deliverOne(server, {
      type: 'MMS',
      from: '+14155550124',
      to: [ALICE.username],
      text: 'mms in',
      creationTime: at(2),
      attachments: [
        { contentType: 'image/png', fileName: 'cat.png', base64: randomBytes(50_000).toString('base64') },
        { contentType: 'image/jpeg', base64: randomBytes(20_000).toString('base64') },
      ],
    })
    await deliverOne(server, {
      type: 'Fax',
      from: '+14155550125',
      to: [ALICE.username],
      creationTime: at(3),
      faxPageCount: 2,
      attachments: [
        {
          contentType: 'application/pdf',
          fileName: 'fax.pdf',
          base64: randomBytes(80_000).toString('base64'),
        },
      ],
    })
    const voicemail = await deliverOne(server, {
      type: 'VoiceMail',
      from: '+14155550126',
      to: [BOB.username],
      creationTime: at(4),
      attachments: [
        { contentType: 'audio/mpeg', vmDuration: 7, base64: randomBytes(30_000).toString('base64') },
      ],
    })
    const deleted = await deliverOne(server, {
      type: 'SMS',
      from: '+14155550127',
      to: [BOB.username],
      text: 'gone',
      creationTime: at(5),
    })
    await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: '+14155550123' }],
      text: 'sms out',
    })
    await post(alice, '/company-pager', { to: [{ extensionNumber: BOB.extension }], text: 'page' })
    await bob.put(`/restapi/v1.0/account/~/extension/~/message-store/${voicemail}`, { readStatus: 'Read' })
    await bob.delete(`/restapi/v1.0/account/~/extension/~/message-store/${deleted}`)
    // Deliveries inside the account run when the clock is told to.
    await advance(server, 'PT0S', alice, bob)
    source = { alice: await snapshot(alice, server.baseUrl), bob: await snapshot(bob, server.baseUrl) }
    assert.deepEqual(
      new Set([...source.alice.records, ...source.bob.records].map((r: any) => r.type)),
      new Set(['SMS', 'Fax', 'VoiceMail', 'Pager']),
    )
    assert.ok(source.bob.records.some((r: any) => r.availability === 'Deleted'))
    await server.stop()

    const out = path.join(tempDir('msgstore-import-'), 'report')
    const exported = await runCli([
      'export',
      '--account',
      '1001',
      '--from',
      FROM,
      '--out',
      out,
      ...(await storeArgsOf(server)),
    ])
    assert.equal(exported.code, 0, exported.stderr)
    archives = fs
      .readdirSync(out)
      .map((f) => path.join(out, f))
      .sort()
    assert.ok(archives.length >= 2, `archive 0 and attachments: ${archives}`)

    target = await startProvisioned()
    await target.stop()
    targetArgs = await storeArgsOf(target)
  })
  after(async () => {
    await target?.stop()
  })

  const importInto = (files: string[], account = '1001', extra: string[] = []) =>
    runCli(['import', '--account', account, ...files, ...targetArgs, ...extra])

  test('an export of every message type imports into an empty store and lists identically', async () => {
    const res = await importInto(archives, '1001', ['--json'])
    assert.equal(res.code, 0, res.stderr + res.stdout)
    const summary = JSON.parse(res.stdout)
    const total = source.alice.records.length + source.bob.records.length
    assert.equal(summary.messages.created, total)
    // Every attachment of the archives found its message (the Deleted one's too).
    assert.ok(
      summary.attachments.stored >= Object.keys({ ...source.alice.bytes, ...source.bob.bytes }).length,
    )
    assert.equal(summary.attachments.withoutMessage, 0)
    assert.deepEqual(summary.mailboxes, { matched: 2, created: 0 })

    target = await startServer({ dataDir: target.dataDir })
    const alice = await login(target.baseUrl, ALICE)
    const bob = await login(target.baseUrl, BOB)
    assert.deepEqual(await snapshot(alice, target.baseUrl), source.alice)
    assert.deepEqual(await snapshot(bob, target.baseUrl), source.bob)
    token = (await fsync(alice, { dateFrom: FROM })).syncInfo.syncToken
    await target.stop()
  })

  test('the same import again changes nothing', async () => {
    const res = await importInto(archives, '1001', ['--json'])
    assert.equal(res.code, 0, res.stderr + res.stdout)
    const summary = JSON.parse(res.stdout)
    assert.equal(summary.messages.created + summary.messages.changed, 0)
    assert.equal(summary.messages.unchanged, source.alice.records.length + source.bob.records.length)
    assert.equal(summary.attachments.stored, 0)

    target = await startServer({ dataDir: target.dataDir })
    const alice = await login(target.baseUrl, ALICE)
    assert.deepEqual((await isync(alice, token)).records, [])
    assert.deepEqual(await snapshot(alice, target.baseUrl), source.alice)
    await target.stop()
  })

  test('a file that is not an export archive is refused before anything is written', async () => {
    const dir = tempDir('msgstore-import-bad-')
    const text = path.join(dir, 'notes.zip')
    fs.writeFileSync(text, 'not a zip at all')
    const foreign = path.join(dir, 'photos.zip')
    const zip = new yazl.ZipFile()
    zip.addBuffer(Buffer.from('hello'), 'holiday/photo.txt')
    zip.end()
    await new Promise<void>((resolve) =>
      zip.outputStream.pipe(fs.createWriteStream(foreign)).on('close', () => resolve()),
    )

    const notZip = await importInto([archives[0]!, text])
    assert.equal(notZip.code, 1)
    assert.match(notZip.stderr, /notes\.zip: not a zip archive/)
    const notExport = await importInto([foreign])
    assert.equal(notExport.code, 1)
    assert.match(notExport.stderr, /photos\.zip: not a message store export archive/)
    const missing = await importInto([path.join(dir, 'nowhere.zip')])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /nowhere\.zip: not a zip archive \(no such file\)/)
    const noAccount = await importInto(archives, '9999')
    assert.equal(noAccount.code, 1)
    assert.match(noAccount.stderr, /account 9999 does not exist/)
  })
})
