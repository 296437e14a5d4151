import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import {
  attachmentOf,
  createReport,
  download,
  listAll,
  listArchives,
  recordsOf,
  unzip,
  waitForStatus,
} from '../helpers/exports.js'
import {
  ALICE,
  BOB,
  deliverOne,
  login,
  MESSAGE_STORE,
  type Platform,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

/**
 * The fifth seed document's flow, as its sample drives it through the SDK: create a
 * report for March 2023, poll it to Completed, list its archives, download them; then
 * open the zips and compare them with what the API answers for the same messages.
 */

const FROM = '2023-03-01T00:00:00.000Z'
const TO = '2023-03-31T23:59:59.999Z'
const OUTSIDE = ['2023-02-28T23:59:59.999Z', '2023-04-01T00:00:00.000Z', '2022-12-25T12:00:00.000Z']
const INSIDE = [FROM, '2023-03-10T08:30:00.000Z', '2023-03-15T12:00:00.000Z', '2023-03-20T17:45:00.000Z', TO]

describe('message store report: create, poll, list, download (seed document 5)', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  /** Attachment bytes sent in, by file name. */
  const sent = new Map<string, Buffer>()
  const insideIds = new Set<number>()
  const outsideIds = new Set<number>()
  let purgedId: number
  let deletedId: number

  const file = (name: string, size: number) => {
    const bytes = randomBytes(size)
    sent.set(name, bytes)
    return { fileName: name, base64: bytes.toString('base64') }
  }

  before(async () => {
    server = await startProvisioned()
    alice = await login(server.baseUrl, ALICE)
    bob = await login(server.baseUrl, BOB)
    const from = '+14155550123'
    const deliverAt = async (creationTime: string, i: number, inside: boolean) => {
      const ids = [
        await deliverOne(server, {
          type: 'SMS',
          from,
          to: [ALICE.username],
          text: `sms ${i} at ${creationTime}`,
          creationTime,
        }),
        await deliverOne(server, {
          type: 'VoiceMail',
          from,
          to: [ALICE.username],
          creationTime,
          attachments: [
            { contentType: 'audio/wav', ...file(`vm-${i}-${inside}.wav`, 40_000 + i), vmDuration: 7 },
          ],
        }),
        await deliverOne(server, {
          type: 'Fax',
          from,
          to: [BOB.username],
          creationTime,
          attachments: [{ contentType: 'application/pdf', ...file(`fax-${i}-${inside}.pdf`, 25_000 + i) }],
        }),
        await deliverOne(server, {
          type: 'MMS',
          from,
          to: [BOB.username],
          text: `picture ${i}`,
          creationTime,
          attachments: [
            { contentType: 'image/png', ...file(`a-${i}-${inside}.png`, 9_000 + i) },
            { contentType: 'image/jpeg', ...file(`b-${i}-${inside}.jpg`, 7_000 + i) },
          ],
        }),
      ]
      for (const id of ids) (inside ? insideIds : outsideIds).add(id)
    }
    for (const [i, t] of INSIDE.entries()) await deliverAt(t, i, true)
    for (const [i, t] of OUTSIDE.entries()) await deliverAt(t, 100 + i, false)
    // The account's other tenant is never in this account's report.
    await deliverOne(
      server,
      { type: 'SMS', from, to: ['+17205550101'], text: 'other account', creationTime: INSIDE[2] },
      '2001',
    )
    // A Deleted message is still in the store and in the report; a Purged one is gone from both.
    deletedId = [...insideIds][1]!
    await alice.delete(`${MESSAGE_STORE}/${deletedId}`)
    purgedId = [...insideIds][5]!
    await alice.delete(`${MESSAGE_STORE}/${purgedId}?purge=true`)
    insideIds.delete(purgedId)
  })
  after(async () => {
    await server.stop()
  })

  let task: any
  let statuses: string[] = []
  let archives: { size: number; uri: string }[]
  const zips: Buffer[] = []

  test('POST …/message-store-report answers 202 with the task record', async () => {
    const started = Date.now()
    task = await createReport(alice, { dateFrom: FROM, dateTo: TO })
    assert.match(task.id, /^1001-62001-[0-9a-f]{32}$/)
    assert.equal(task.uri, `${server.baseUrl}/restapi/v1.0/account/1001/message-store-report/${task.id}`)
    assert.ok(['Accepted', 'Pending', 'InProgress', 'Completed'].includes(task.status), task.status)
    assert.equal(task.accountId, '1001')
    assert.equal(task.extensionId, '62001')
    assert.equal(Date.parse(task.dateFrom), Date.parse(FROM))
    assert.equal(Date.parse(task.dateTo), Date.parse(TO))
    const startTime = Date.parse(task.startTime)
    assert.ok(startTime >= started - 1000 && startTime <= Date.now(), task.startTime)
    assert.equal(task.finishTime, undefined)
    assert.equal(task.messageTypes, undefined)
  })

  test('the task moves on to Completed, with a finishTime', async () => {
    statuses = []
    const done = await waitForStatus(alice, task.id, ['Completed'], statuses)
    assert.equal(done.id, task.id)
    assert.equal(done.startTime, task.startTime)
    assert.ok(Date.parse(done.finishTime) >= Date.parse(done.startTime))
    assert.equal(statuses[statuses.length - 1], 'Completed')
    for (const s of statuses) assert.ok(['Accepted', 'Pending', 'InProgress', 'Completed'].includes(s), s)
  })

  test('…/archive lists archive 0 and an attachment archive, with size and uri', async () => {
    archives = await listArchives(alice, task.id)
    assert.equal(archives.length, 2)
    archives.forEach((a, i) => {
      assert.deepEqual(Object.keys(a).sort(), ['size', 'uri'])
      assert.equal(a.uri, `${task.uri}/archive/${i}`)
      assert.ok(Number.isInteger(a.size) && a.size > 0)
    })
  })

  test('each archive downloads as application/zip, exactly `size` bytes', async () => {
    for (const a of archives) {
      const res = await download(alice, a.uri)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), 'application/zip')
      assert.equal(Number(res.headers.get('content-length')), a.size)
      assert.equal(res.bytes.length, a.size)
      zips.push(res.bytes)
    }
  })

  test('the access_token query parameter works as well as the header', async () => {
    const token = (await alice.auth().data()).access_token
    const res = await fetch(`${archives[1]!.uri}?access_token=${encodeURIComponent(token!)}`)
    assert.equal(res.status, 200)
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(zips[1]!))
    assert.equal((await fetch(archives[1]!.uri)).status, 401)
  })

  test('a byte range answers 206 with those bytes; past the end, 416 CMN-107', async () => {
    const zip = zips[1]!
    const part = await download(alice, archives[1]!.uri, { range: 'bytes=100-1099' })
    assert.equal(part.status, 206)
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${zip.length}`)
    assert.ok(part.bytes.equals(zip.subarray(100, 1100)))
    const tail = await download(alice, archives[1]!.uri, { range: 'bytes=-22' })
    assert.equal(tail.status, 206)
    assert.ok(tail.bytes.equals(zip.subarray(zip.length - 22)))
    const beyond = await download(alice, archives[1]!.uri, { range: `bytes=${zip.length}-` })
    assert.equal(beyond.status, 416)
    assert.equal(beyond.headers.get('content-range'), `bytes */${zip.length}`)
    assert.equal(JSON.parse(beyond.bytes.toString()).errorCode, 'CMN-107')
  })

  test('an archive has an ETag: If-None-Match answers 304, If-Range guards a range', async () => {
    const first = await download(alice, archives[1]!.uri)
    const etag = first.headers.get('etag')
    assert.ok(etag?.startsWith('"'), `a strong ETag: ${etag}`)
    const again = await download(alice, archives[1]!.uri, { 'if-none-match': etag! })
    assert.equal(again.status, 304)
    assert.equal(again.bytes.length, 0)
    const guarded = await download(alice, archives[1]!.uri, { range: 'bytes=0-9', 'if-range': etag! })
    assert.equal(guarded.status, 206)
    const stale = await download(alice, archives[1]!.uri, { range: 'bytes=0-9', 'if-range': '"stale"' })
    assert.equal(stale.status, 200)
    assert.ok(stale.bytes.equals(zips[1]!))
  })

  test('archive 0 holds every message of the range, as listMessages answers it, and nothing else', async () => {
    const archive0 = await unzip(zips[0]!)
    assert.deepEqual([...archive0.entries.keys()].sort(), [
      'account/1001/extension/62001/message-store.json',
      'account/1001/extension/62002/message-store.json',
    ])
    const records = recordsOf(archive0, '1001')
    assert.deepEqual(
      [...records.keys()].sort((a, b) => a - b),
      [...insideIds].sort((a, b) => a - b),
    )
    assert.ok(!records.has(purgedId))
    for (const id of outsideIds) assert.ok(!records.has(id), `message ${id} is outside the range`)
    assert.equal(records.get(deletedId)!.record.availability, 'Deleted')
    // The records are the list API's, field for field.
    for (const [platform, extensionId] of [
      [alice, '62001'],
      [bob, '62002'],
    ] as const) {
      const listed = await listAll(platform, extensionId, FROM, TO)
      const inFile = [...records.values()].filter((r) => r.extensionId === extensionId)
      assert.equal(inFile.length, listed.length)
      for (const record of listed) assert.deepEqual(records.get(record.id)!.record, record)
      // Oldest first within a file.
      const times = inFile.map((r) => Date.parse(r.record.creationTime))
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
      )
    }
  })

  test('archive 1 holds every attachment byte of the range under …/message-store/content/<messageId>/', async () => {
    const archive0 = recordsOf(await unzip(zips[0]!), '1001')
    const archive1 = await unzip(zips[1]!)
    const expected = new Map<string, { record: any; attachment: any }>()
    for (const { record } of archive0.values()) {
      for (const attachment of record.attachments)
        expected.set(`${record.id}/${attachment.id}`, { record, attachment })
    }
    assert.equal(archive1.entries.size, expected.size)
    let fromSent = 0
    for (const [name, bytes] of archive1.entries) {
      const at = attachmentOf(name, '1001')
      const e = expected.get(`${at.messageId}/${at.attachmentId}`)
      assert.ok(e, `${name} is not an attachment of an exported message`)
      assert.equal(at.extensionId, archive0.get(at.messageId)!.extensionId)
      assert.equal(bytes.length, e.attachment.size)
      // The same bytes as readMessageContent answers, and as were sent in.
      const platform = at.extensionId === '62001' ? alice : bob
      const content = Buffer.from(
        await (await platform.get(new URL(e.attachment.uri).pathname)).arrayBuffer(),
      )
      assert.ok(bytes.equals(content), `${name} differs from its content`)
      if (e.attachment.fileName) {
        assert.ok(name.endsWith(`/${at.attachmentId}_${e.attachment.fileName}`), name)
        assert.ok(bytes.equals(sent.get(e.attachment.fileName)!), `${name} differs from what was sent`)
        fromSent++
      }
    }
    assert.ok(fromSent >= 4 * 4, `only ${fromSent} named attachments`)
  })

  test('messageTypes limits the report to those types', async () => {
    const faxes = await createReport(alice, { dateFrom: FROM, dateTo: TO, messageTypes: ['Fax'] })
    assert.deepEqual(faxes.messageTypes, ['Fax'])
    await waitForStatus(alice, faxes.id)
    const list = await listArchives(alice, faxes.id)
    const records = recordsOf(await unzip((await download(alice, list[0]!.uri)).bytes), '1001')
    assert.ok(records.size > 0)
    for (const { record } of records.values()) assert.equal(record.type, 'Fax')
    const attachments = await unzip((await download(alice, list[1]!.uri)).bytes)
    for (const name of attachments.entries.keys()) assert.match(name, /\.pdf$/)
    assert.equal(attachments.entries.size, records.size)
  })

  test('a range with no messages completes with archive 0 alone, an empty zip', async () => {
    const empty = await createReport(alice, {
      dateFrom: '2001-01-01T00:00:00Z',
      dateTo: '2001-01-02T00:00:00Z',
    })
    await waitForStatus(alice, empty.id)
    const list = await listArchives(alice, empty.id)
    assert.equal(list.length, 1)
    const zip = await unzip((await download(alice, list[0]!.uri)).bytes)
    assert.equal(zip.entries.size, 0)
  })
})
