import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import { withStore } from '../../src/cli/offline.js'
import { type MessageKeeper, messageKeeperOf } from '../../src/services/message-keeping/message-keeper.js'
import { ALICE, login, type Platform, startProvisioned } from '../helpers/sdk.js'
import { databaseFor, type RunningServer, startServer, tempDir } from '../helpers/server.js'
import { fsync, isync, STORE } from '../helpers/sync.js'
import { missingAccount } from '../helpers/tenancy.js'

/**
 * The message keeper stores records as another RingCentral-compatible server answered
 * them (what import and mirror build on): the records then list through the API as they
 * came, keeping the same record again changes nothing that sync clients see, a changed
 * record reaches them through ISync. The keeper runs in a one-off process on the store, as
 * the CLI commands do, with every statement logged to check it names its account.
 */

const BASE = 'https://platform.example.com'
const MAILBOX = `${BASE}/restapi/v1.0/account/1001/extension/62001/message-store`
const FAX_BYTES = randomBytes(70_000)

const records = [
  {
    uri: `${MAILBOX}/900000000001`,
    id: 900000000001,
    to: [{ phoneNumber: '+16505550101', name: 'Alice Admin' }],
    from: { phoneNumber: '+14155550123', location: 'San Francisco, CA' },
    type: 'SMS',
    creationTime: '2024-03-01T10:00:00.000Z',
    readStatus: 'Read',
    priority: 'Normal',
    attachments: [
      {
        id: 900000000001,
        uri: `${MAILBOX}/900000000001/content/900000000001`,
        type: 'Text',
        contentType: 'text/plain',
      },
    ],
    direction: 'Inbound',
    availability: 'Alive',
    subject: 'hello from the source',
    messageStatus: 'Received',
    conversationId: 7000000001,
    conversation: { id: '7000000001', uri: `${BASE}/restapi/v1.0/conversation/7000000001` },
    lastModifiedTime: '2024-03-01T10:05:00.000Z',
  },
  {
    id: '900000000002',
    to: [{ phoneNumber: '+16505550101' }],
    from: { phoneNumber: '+14155550199' },
    type: 'Fax',
    creationTime: '2024-03-02T09:00:00.000Z',
    readStatus: 'Unread',
    priority: 'Normal',
    attachments: [
      {
        id: 900000000005,
        type: 'RenderedDocument',
        contentType: 'application/pdf',
        fileName: 'fax.pdf',
        size: FAX_BYTES.length,
      },
    ],
    direction: 'Inbound',
    availability: 'Alive',
    messageStatus: 'Received',
    faxResolution: 'High',
    faxPageCount: 3,
    lastModifiedTime: '2024-03-02T09:00:00.000Z',
  },
  {
    id: 900000000003,
    to: [{ phoneNumber: '+16505550101' }],
    from: { phoneNumber: '+14155550177' },
    type: 'VoiceMail',
    creationTime: '2024-03-03T08:00:00.000Z',
    readStatus: 'Read',
    priority: 'High',
    attachments: [],
    direction: 'Inbound',
    availability: 'Deleted',
    messageStatus: 'Received',
    vmTranscriptionStatus: 'NotAvailable',
    lastModifiedTime: '2024-03-04T08:00:00.000Z',
  },
]

/** A record as the local server answers it, compared field by field with what was kept. */
function expected(record: Record<string, any>, baseUrl: string) {
  const { uri: _uri, conversation: _conversation, ...rest } = record
  const at = `${baseUrl}/restapi/v1.0/account/1001/extension/62001/message-store/${Number(record.id)}`
  return {
    ...rest,
    id: Number(record.id),
    uri: at,
    attachments: record.attachments.map((a: any) => ({
      ...a,
      uri: `${at}/content/${a.id}`,
      size: a.size ?? 0,
    })),
    ...(record.conversationId
      ? {
          conversation: {
            id: String(record.conversationId),
            uri: `${baseUrl}/restapi/v1.0/conversation/${record.conversationId}`,
          },
        }
      : {}),
  }
}

describe('the message keeper', () => {
  let server: RunningServer
  let dataDir: string
  let database: string | undefined
  let alice: Platform
  const statements = path.join(tempDir('msgstore-keeper-'), 'statements.log')

  const keep = async <T>(work: (keeper: MessageKeeper) => Promise<T>): Promise<T> => {
    await server.stop()
    process.env.MSGSTORE_STATEMENT_LOG = statements
    try {
      return await withStore({ data: dataDir, database }, (services) => work(messageKeeperOf(services)))
    } finally {
      delete process.env.MSGSTORE_STATEMENT_LOG
      server = await startServer({ dataDir })
      alice = await login(server.baseUrl, ALICE)
    }
  }
  const list = async () => {
    const res = await alice.get(STORE, {
      dateFrom: '2024-01-01T00:00:00Z',
      availability: ['Alive', 'Deleted'],
    })
    return ((await res.json()) as { records: any[] }).records
  }
  /** The records without the server's base URL, which changes with each start. */
  const listedPaths = async () => JSON.stringify(await list()).replaceAll(server.baseUrl, '')

  before(async () => {
    server = await startProvisioned()
    dataDir = server.dataDir
    database = await databaseFor(dataDir)
    alice = await login(server.baseUrl, ALICE)
  })
  after(async () => {
    await server?.stop()
  })

  let token = ''

  test('kept records list as the source answered them, with their ids, times and bytes', async () => {
    token = (await fsync(alice, { dateFrom: '2024-01-01T00:00:00Z' })).syncInfo.syncToken
    const results = await keep(async (keeper) => {
      const mailbox = await keeper.ensureMailbox('1001', { id: '62001' })
      assert.deepEqual(mailbox, {
        accountId: '1001',
        extensionId: '62001',
        extensionNumber: '101',
        created: false,
      })
      const kept = await keeper.keepMessages(mailbox, records)
      const fax = await keeper.keepAttachmentBytes(
        mailbox,
        900000000002,
        900000000005,
        Readable.from([FAX_BYTES]),
      )
      const text = await keeper.keepAttachmentBytes(
        mailbox,
        900000000001,
        900000000001,
        Buffer.from('hi there'),
      )
      const unknown = await keeper.keepAttachmentBytes(mailbox, 900000000002, 1, Buffer.from('x'))
      return { kept, fax, text, unknown }
    })
    assert.deepEqual(
      results.kept,
      records.map((r) => ({ id: Number(r.id), outcome: 'created' })),
    )
    assert.equal(results.fax, 'stored')
    // The text's size was unknown (absent from the record): the bytes correct it.
    assert.equal(results.text, 'stored')
    assert.equal(results.unknown, 'unknown')

    const listed = await list()
    const byId = new Map(listed.map((r) => [r.id, r]))
    for (const record of records) {
      const want = expected(record, server.baseUrl)
      if (want.id === 900000000001) want.attachments[0].size = 8
      assert.deepEqual(byId.get(want.id), want)
    }
    const content = await alice.get(`${STORE}/900000000002/content/900000000005`)
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), FAX_BYTES)
    const text = await alice.get(`${STORE}/900000000001/content/900000000001`)
    assert.equal(await text.text(), 'hi there')

    // Sync clients see the kept messages (the Alive ones: an ISync reports the others as removed).
    const changes = await isync(alice, token)
    assert.deepEqual(changes.records.map((r) => r.id).sort(), records.map((r) => Number(r.id)).sort())
    token = changes.syncInfo.syncToken
  })

  test('keeping the same records again changes nothing a client sees', async () => {
    const before = await listedPaths()
    const results = await keep(async (keeper) => {
      const mailbox = { accountId: '1001', extensionId: '62001' }
      const kept = await keeper.keepMessages(
        mailbox,
        records.map((r) =>
          r.id === 900000000001 ? { ...r, attachments: [{ ...r.attachments[0], size: 8 }] } : r,
        ),
      )
      const bytes = await keeper.keepAttachmentBytes(mailbox, 900000000002, 900000000005, FAX_BYTES)
      return { kept, bytes }
    })
    assert.ok(
      results.kept.every((r) => !(r instanceof Error) && r.outcome === 'unchanged'),
      JSON.stringify(results),
    )
    assert.equal(results.bytes, 'unchanged')
    assert.equal(await listedPaths(), before)
    const changes = await isync(alice, token)
    assert.deepEqual(changes.records, [])
  })

  test('a changed record takes a change number: ISync reports it', async () => {
    const marked = { ...records[1], readStatus: 'Read', lastModifiedTime: '2024-03-05T00:00:00.000Z' }
    const result = await keep((keeper) =>
      keeper.keepMessage({ accountId: '1001', extensionId: '62001' }, marked),
    )
    assert.deepEqual(result, { id: 900000000002, outcome: 'changed' })
    const changes = await isync(alice, token)
    assert.deepEqual(
      changes.records.map((r) => [r.id, r.readStatus, r.lastModifiedTime]),
      [[900000000002, 'Read', '2024-03-05T00:00:00.000Z']],
    )
    // The bytes stayed with the attachment.
    const content = await alice.get(`${STORE}/900000000002/content/900000000005`)
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), FAX_BYTES)
  })

  test('a mailbox of an extension the account lacks is created; bad records and foreign ids are refused', async () => {
    const outcome = await keep(async (keeper) => {
      const byNumber = await keeper.ensureMailbox('1001', { id: '999', extensionNumber: '102' })
      const created = await keeper.ensureMailbox('1001', {
        id: '63077',
        extensionNumber: '177',
        name: 'Imported',
      })
      const again = await keeper.ensureMailbox('1001', { id: '63077' })
      const noAccount = await keeper.ensureMailbox('4242', { id: '1' }).catch((e: Error) => e)
      const foreign = await keeper.ensureMailbox('2001', { id: '62001' }).catch((e: Error) => e)
      const results = await keeper.keepMessages(created, [
        { ...records[0], id: 900000000101, attachments: [] },
        { ...records[0], id: 'x' },
        // Already kept in another mailbox.
        records[2],
      ])
      return { byNumber, created, again, noAccount, foreign, results }
    })
    assert.equal(outcome.byNumber.extensionId, '62002')
    assert.deepEqual(outcome.created, {
      accountId: '1001',
      extensionId: '63077',
      extensionNumber: '177',
      created: true,
    })
    assert.equal(outcome.again.created, false)
    assert.match(String(outcome.noAccount), /account 4242 does not exist/)
    assert.match(String(outcome.foreign), /another account/)
    assert.deepEqual(outcome.results[0], { id: 900000000101, outcome: 'created' })
    assert.match(String(outcome.results[1]), /record 1: id: expected a positive integer/)
    assert.match(String(outcome.results[2]), /already kept in extension 62001/)
  })

  test('every statement on a tenant table names its account', () => {
    const lines = fs
      .readFileSync(statements, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string)
    assert.ok(lines.some((s) => /insert into "messages"/.test(s)))
    const missing = lines.map((s) => [s, missingAccount(s)]).filter(([, why]) => why !== undefined)
    assert.deepEqual(missing, [])
  })
})
