import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliverOne,
  type InboundMessage,
  login,
  MESSAGE_STORE,
  type Platform,
  startProvisioned,
} from '../helpers/sdk.js'
import { type RunningServer, STANDARD_FILE } from '../helpers/server.js'

const ALICE2 = '+16505550111' // a second number of Alice's, provisioned below
const ANN = '+14155550123' // outside numbers
const BEN = '+14155550199'
const CAT = '+14155550177'
const DAN = '+14155550188'

// A manual clock: "now" is fixed, so default windows and "created this instant" are exact.
let server: RunningServer
let alice: Platform
let now: number
const id: Record<string, number> = {}

const at = (msAgo: number) => new Date(now - msAgo).toISOString()
const HOUR = 3600_000

before(async () => {
  server = await startProvisioned({ args: ['--clock', 'manual'] })
  const file = structuredClone(STANDARD_FILE)
  file.accounts[0]!.extensions[0]!.phoneNumbers = [ALICE.username, ALICE2]
  assert.equal((await server.admin('POST', '/admin/v1/provision', file)).status, 200)
  now = Date.parse((await server.admin('GET', '/admin/v1/clock')).body.now)

  const sms = (from: string, to: string, text: string, ago: number): InboundMessage => ({
    type: 'SMS',
    from,
    to: [to],
    text,
    creationTime: at(ago),
  })
  const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64')
  const wav = Buffer.from('RIFF....WAVEfmt ').toString('base64')
  const messages: Record<string, InboundMessage> = {
    // Inside the default 24-hour window, newest first: s4 s3 s2 s1 mms vm fax.
    s4: sms(ANN, ALICE2, 'to my second number', 0.5 * HOUR),
    s3: sms(BEN, ALICE.username, 'from Ben', 1 * HOUR),
    s2: sms(ANN, ALICE.username, 'second from Ann', 2 * HOUR),
    s1: sms(ANN, ALICE.username, 'first from Ann', 3 * HOUR),
    mms: {
      type: 'MMS',
      from: CAT,
      to: [ALICE.username],
      text: 'a picture',
      creationTime: at(4 * HOUR),
      attachments: [{ contentType: 'image/png', fileName: 'p.png', base64: png }],
    },
    vm: {
      type: 'VoiceMail',
      from: ANN,
      to: [ALICE.username],
      creationTime: at(5 * HOUR),
      attachments: [{ contentType: 'audio/wav', base64: wav, vmDuration: 7 }],
    },
    fax: {
      type: 'Fax',
      from: DAN,
      to: [ALICE.username],
      creationTime: at(6 * HOUR),
      attachments: [{ contentType: 'application/pdf', base64: 'JVBERi0=' }],
    },
    // Outside it.
    old: sms(ANN, ALICE.username, 'yesterday', 30 * HOUR),
    // The seed document's range is the first quarter of 2019.
    q1sms: {
      type: 'SMS',
      from: ANN,
      to: [ALICE.username],
      text: 'Q1',
      creationTime: '2019-02-15T12:00:00.000Z',
    },
    q1vm: {
      type: 'VoiceMail',
      from: BEN,
      to: [ALICE.username],
      creationTime: '2019-03-31T23:59:59.000Z',
      attachments: [{ contentType: 'audio/wav', base64: wav, vmDuration: 3 }],
    },
    q0: {
      type: 'SMS',
      from: ANN,
      to: [ALICE.username],
      text: 'Q4 2018',
      creationTime: '2018-12-31T23:59:59.999Z',
    },
    q2: {
      type: 'SMS',
      from: ANN,
      to: [ALICE.username],
      text: 'Q2',
      creationTime: '2019-04-01T00:00:00.000Z',
    },
    // Someone else's mailbox.
    bob: sms(ANN, BOB.username, 'to Bob', 1 * HOUR),
  }
  for (const [name, message] of Object.entries(messages)) id[name] = await deliverOne(server, message)
  alice = await login(server.baseUrl, ALICE)
})
after(async () => {
  await server.stop()
})

async function list(query: Record<string, unknown> = {}, platform = alice) {
  const res = await platform.get(MESSAGE_STORE, query)
  assert.equal(res.status, 200)
  return res.json()
}

/** The names (keys of `id`) of the listed records, in the order listed. */
async function names(query: Record<string, unknown> = {}, platform = alice): Promise<string[]> {
  const body = await list(query, platform)
  const byId = new Map(Object.entries(id).map(([k, v]) => [v, k]))
  return body.records.map((r: { id: number }) => byId.get(r.id) ?? `#${r.id}`)
}

const DEFAULT_WINDOW = ['s4', 's3', 's2', 's1', 'mms', 'vm', 'fax']

describe("the seed documents' calls", () => {
  test('by date range (first quarter of 2019), as the first seed lists', async () => {
    const body = await list({ dateFrom: '2019-01-01T00:00:00.000Z', dateTo: '2019-03-31T23:59:59.999Z' })
    assert.deepEqual(
      body.records.map((r: { id: number; type: string }) => [r.id, r.type]),
      [
        [id.q1vm, 'VoiceMail'],
        [id.q1sms, 'SMS'],
      ],
    )
    assert.deepEqual(body.paging, {
      page: 1,
      totalPages: 1,
      perPage: 100,
      totalElements: 2,
      pageStart: 0,
      pageEnd: 1,
    })
  })

  test("by messageType ['SMS'], as the second seed lists", async () => {
    const body = await list({ messageType: ['SMS'] })
    assert.deepEqual(
      body.records.map((r: { id: number }) => r.id),
      [id.s4, id.s3, id.s2, id.s1, id.mms],
    )
    for (const r of body.records) assert.equal(r.type, 'SMS')
    // The list's own uri names the mailbox by ids and spells out the defaults it applied.
    const uri = new URL(body.uri)
    assert.equal(
      `${uri.origin}${uri.pathname}`,
      `${server.baseUrl}/restapi/v1.0/account/1001/extension/62001/message-store`,
    )
    assert.equal(uri.searchParams.get('messageType'), 'SMS')
    assert.equal(uri.searchParams.get('availability'), 'Alive')
    assert.equal(uri.searchParams.get('page'), '1')
    assert.equal(uri.searchParams.get('perPage'), '100')
    assert.ok(uri.searchParams.get('dateFrom'))
    assert.deepEqual(Object.keys(body), ['uri', 'records', 'paging', 'navigation'])
  })
})

describe('dates', () => {
  test('by default: the last 24 hours, newest first', async () => {
    assert.deepEqual(await names(), DEFAULT_WINDOW)
  })

  test('dateFrom alone runs to now', async () => {
    assert.deepEqual(await names({ dateFrom: at(31 * HOUR) }), [...DEFAULT_WINDOW, 'old'])
  })

  test('dateTo alone starts 24 hours before it', async () => {
    assert.deepEqual(await names({ dateTo: at(24 * HOUR) }), ['old'])
    assert.deepEqual(await names({ dateTo: at(2.5 * HOUR) }), ['s1', 'mms', 'vm', 'fax'])
  })

  test('both bounds', async () => {
    assert.deepEqual(await names({ dateFrom: at(4.5 * HOUR), dateTo: at(1.5 * HOUR) }), ['s2', 's1', 'mms'])
  })

  test('dates with a time zone offset', async () => {
    const body = await list({ dateFrom: '2019-02-15T13:00:00+01:00', dateTo: '2019-02-15T13:00:00+01:00' })
    assert.deepEqual(
      body.records.map((r: { id: number }) => r.id),
      [id.q1sms],
    )
  })
})

describe('filters', () => {
  test('availability: Alive by default, and explicitly', async () => {
    assert.deepEqual(await names({ availability: ['Alive'] }), DEFAULT_WINDOW)
    assert.deepEqual(await names({ availability: ['Alive', 'Deleted'] }), DEFAULT_WINDOW)
    assert.deepEqual(await names({ availability: ['Deleted'] }), [])
    assert.deepEqual(await names({ availability: ['Deleted', 'Purged'] }), [])
    assert.deepEqual(await names({ availability: 'Alive,Purged' }), DEFAULT_WINDOW)
  })

  test('conversationId', async () => {
    const body = await list({ conversationId: String(await conversationOf('s1')) })
    const byId = new Map(Object.entries(id).map(([k, v]) => [v, k]))
    assert.deepEqual(
      body.records.map((r: { id: number }) => byId.get(r.id)),
      ['s2', 's1'],
    )
    assert.deepEqual(await names({ conversationId: '123' }), [])
  })

  test('direction', async () => {
    assert.deepEqual(await names({ direction: ['Inbound'] }), DEFAULT_WINDOW)
    assert.deepEqual(await names({ direction: ['Outbound'] }), [])
    assert.deepEqual(await names({ direction: ['Inbound', 'Outbound'] }), DEFAULT_WINDOW)
  })

  test('distinctConversations: the newest message of each conversation; fax and voicemail stand alone', async () => {
    assert.deepEqual(await names({ distinctConversations: true }), ['s4', 's3', 's2', 'mms', 'vm', 'fax'])
    assert.deepEqual(await names({ distinctConversations: false }), DEFAULT_WINDOW)
    const body = await list({ distinctConversations: true })
    assert.equal(body.paging.totalElements, 6)
  })

  test('messageType: one, several (repeated or comma-separated), none matching', async () => {
    assert.deepEqual(await names({ messageType: ['VoiceMail'] }), ['vm'])
    assert.deepEqual(await names({ messageType: ['Fax', 'VoiceMail'] }), ['vm', 'fax'])
    assert.deepEqual(await names({ messageType: 'Fax,VoiceMail' }), ['vm', 'fax'])
    assert.deepEqual(await names({ messageType: ['Pager'] }), [])
    assert.deepEqual(await names({ messageType: ['Text'] }), [])
  })

  test('readStatus', async () => {
    assert.deepEqual(await names({ readStatus: ['Unread'] }), DEFAULT_WINDOW)
    assert.deepEqual(await names({ readStatus: ['Read'] }), [])
    assert.deepEqual(await names({ readStatus: ['Read', 'Unread'] }), DEFAULT_WINDOW)
  })

  test('phoneNumber matches the other party', async () => {
    assert.deepEqual(await names({ phoneNumber: ANN }), ['s4', 's2', 's1', 'vm'])
    assert.deepEqual(await names({ phoneNumber: BEN }), ['s3'])
    assert.deepEqual(await names({ phoneNumber: '+19995550000' }), [])
  })

  test("phoneNumber matches the user's own number too", async () => {
    assert.deepEqual(await names({ phoneNumber: ALICE2 }), ['s4'])
    assert.deepEqual(await names({ phoneNumber: ALICE.username }), ['s3', 's2', 's1', 'mms', 'vm', 'fax'])
  })

  test('phoneNumber in other spellings of the same number', async () => {
    assert.deepEqual(await names({ phoneNumber: '+1 (415) 555-0199' }), ['s3'])
    assert.deepEqual(await names({ phoneNumber: '14155550199' }), ['s3'])
  })

  test('phoneNumber as ten national digits', async () => {
    assert.deepEqual(await names({ phoneNumber: '(415) 555-0199' }), ['s3'])
  })

  test('filters combine', async () => {
    assert.deepEqual(await names({ messageType: ['SMS'], phoneNumber: ANN, distinctConversations: true }), [
      's4',
      's2',
    ])
    assert.deepEqual(
      await names({ messageType: ['SMS', 'VoiceMail'], dateFrom: at(31 * HOUR), phoneNumber: ANN }),
      ['s4', 's2', 's1', 'vm', 'old'],
    )
  })

  test('unknown query parameters are ignored', async () => {
    assert.deepEqual(await names({ someday: 'maybe' }), DEFAULT_WINDOW)
  })
})

describe('conversations', () => {
  test('an SMS conversation is one of the user numbers with one outside number', async () => {
    const [s1, s2, s3, s4, mms] = await Promise.all(['s1', 's2', 's3', 's4', 'mms'].map(conversationOf))
    assert.equal(s1, s2, 'same two numbers, same conversation')
    assert.notEqual(s1, s3, 'another outside number, another conversation')
    assert.notEqual(s1, s4, "another of the user's numbers, another conversation")
    assert.notEqual(s3, mms)
    for (const c of [s1, s3, s4, mms]) assert.ok(Number.isSafeInteger(c) && c! > 0)
  })

  test("another user's conversation with the same outside number is another conversation", async () => {
    const bob = await login(server.baseUrl, BOB)
    const body = await list({}, bob)
    assert.deepEqual(
      body.records.map((r: { id: number }) => r.id),
      [id.bob],
    )
    assert.notEqual(body.records[0].conversationId, await conversationOf('s1'))
  })

  test('fax and voicemail have no conversation', async () => {
    const body = await list({ messageType: ['Fax', 'VoiceMail'] })
    for (const r of body.records) {
      assert.equal(r.conversationId, undefined)
      assert.equal(r.conversation, undefined)
    }
  })
})

describe('now', () => {
  test('the default dateTo includes a message created this instant', async () => {
    const bob = await login(server.baseUrl, BOB)
    const fresh = await deliverOne(server, { type: 'SMS', from: DAN, to: [BOB.username], text: 'just now' })
    const body = await list({}, bob)
    assert.deepEqual(
      body.records.map((r: { id: number }) => r.id),
      [fresh, id.bob],
    )
    assert.equal(body.records[0].creationTime, new Date(now).toISOString())
  })
})

async function conversationOf(name: string): Promise<number | undefined> {
  const res = await alice.get(`${MESSAGE_STORE}/${id[name]}`)
  return (await res.json()).conversationId
}

describe('text beyond ASCII', () => {
  // A page is handed over as bytes and never decoded: every character must arrive as sent.
  test('a page carries letters, CJK and emoji as stored, with every uri on the base URL', async () => {
    const bob = await login(server.baseUrl, BOB)
    const text = 'Grüße aus Zürich — 你好 👋🏽 ✓'
    const sent = await deliverOne(server, {
      type: 'SMS',
      from: CAT,
      to: [BOB.username],
      text,
      creationTime: '2020-06-01T12:00:00.000Z',
    })
    const body = await list({ dateFrom: '2020-06-01T00:00:00.000Z', dateTo: '2020-06-02T00:00:00.000Z' }, bob)
    assert.deepEqual(
      body.records.map((r: { id: number; subject: string }) => [r.id, r.subject]),
      [[sent, text]],
    )
    const record = body.records[0]
    assert.ok(record.uri.startsWith(`${server.baseUrl}/restapi/v1.0/account/`), record.uri)
    assert.ok(record.attachments[0].uri.startsWith(server.baseUrl), record.attachments[0].uri)
    const read = await (await bob.get(`${MESSAGE_STORE}/${sent}`)).json()
    assert.deepEqual(record, read)
  })
})
