import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { RequestJournal } from '../../src/test-controls/journal.js'
import { BODY_LIMIT } from '../../src/test-controls/journal-bodies.js'

/** A journal of `size` entries and a way to record one answer in it. */
function journal(size: number) {
  const j = new RequestJournal(size, () => Date.parse('2026-01-01T00:00:00Z'))
  let n = 0
  const record = (
    payload: unknown,
    url = `/restapi/v1.0/account/~/extension/~/message-store?n=${++n}`,
    headers: FastifyRequest['headers'] = { authorization: 'Bearer secret-token' },
  ) =>
    j.record(
      { method: 'GET', url, headers, body: undefined } as FastifyRequest,
      { statusCode: 200, elapsedTime: 1 } as FastifyReply,
      payload,
    )
  /** Response bodies, newest first. */
  const bodies = () => j.list({}).map((e) => e.responseBody)
  return { j, record, bodies }
}

test('a slot reused by a smaller answer shows that answer only, not the end of the larger one', () => {
  const { record, bodies } = journal(2)
  record(JSON.stringify({ records: 'x'.repeat(5000) }))
  record('{"b":1}')
  record('{"c":2}') // overwrites the slot of the 5000-character answer
  assert.deepEqual(bodies(), ['{"c":2}', '{"b":1}'])
})

test('a long one-byte text is cut at 64 KB of UTF-8, never mid-character', () => {
  const { record, bodies } = journal(4)
  const text = `{"subject":"${'é'.repeat(BODY_LIMIT)}"}`
  record(text)
  const [body] = bodies() as string[]
  assert.ok(Buffer.byteLength(body) <= BODY_LIMIT, `${Buffer.byteLength(body)} bytes`)
  assert.ok(Buffer.byteLength(body) > BODY_LIMIT - 2)
  assert.ok(text.startsWith(body))
  assert.ok(!body.includes('\uFFFD'), 'no broken character')
})

test('a text with characters beyond Latin-1 is shown as it was sent', () => {
  const { record, bodies } = journal(4)
  record('{"subject":"Привет 👋"}')
  assert.deepEqual(bodies(), ['{"subject":"Привет 👋"}'])
})

test('a secret the cut falls inside is masked all the same', () => {
  const { record, bodies } = journal(4)
  const padding = 'x'.repeat(BODY_LIMIT - 40)
  record(`{"pad":"${padding}","access_token":"${'S'.repeat(200)}"}`)
  const [body] = bodies() as string[]
  assert.ok(!body.includes('SSS'), 'no part of the secret is shown')
  assert.ok(body.includes('"access_token":'))
})

test('binary bytes are counted, text bytes shown, a character cut at the copy end kept as text', () => {
  const { record, bodies } = journal(4)
  record(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2]))
  const utf8 = Buffer.from(`{"text":"${'ж'.repeat(BODY_LIMIT)}"}`)
  record(utf8)
  const [text, binary] = bodies() as string[]
  assert.equal(binary, '[7 bytes]')
  assert.ok(text.startsWith('{"text":"жжж'), text.slice(0, 20))
  assert.ok(!text.includes('\uFFFD'))
})

test('a buffer served again shares one copy that outlives every entry showing it', () => {
  const { record, bodies } = journal(3)
  const page = Buffer.from('{"records":[1,2,3]}')
  record(page)
  record('{"other":1}')
  record(page)
  record(page) // the ring has come round to the first entry's slot
  assert.deepEqual(bodies(), ['{"records":[1,2,3]}', '{"records":[1,2,3]}', '{"other":1}'])
  record('{"a":1}')
  record('{"b":2}')
  assert.deepEqual(bodies(), ['{"b":2}', '{"a":1}', '{"records":[1,2,3]}'])
  // A new buffer with other bytes after the shared copy has gone is copied afresh.
  record(Buffer.from('{"records":[4]}'))
  record(page)
  assert.deepEqual(bodies(), ['{"records":[1,2,3]}', '{"records":[4]}', '{"b":2}'])
})

test('a buffer two journals both serve keeps a copy in each', () => {
  const a = journal(2)
  const b = journal(2)
  const page = Buffer.from('{"records":[1]}')
  a.record(page)
  b.record('{"first":1}')
  b.record(page)
  a.record('{"x":1}')
  a.record('{"y":2}') // the ring of a has come round: its copy of the page is gone
  assert.deepEqual(b.bodies(), ['{"records":[1]}', '{"first":1}'])
  assert.deepEqual(a.bodies(), ['{"y":2}', '{"x":1}'])
})

test('a streamed answer is noted, an empty one is null, and clear forgets everything', () => {
  const { j, record, bodies } = journal(4)
  record(Readable.from(['x']))
  record(undefined)
  assert.deepEqual(bodies(), [null, '[streamed body]'])
  j.clear()
  assert.deepEqual(bodies(), [])
  record('{"after":true}')
  assert.deepEqual(bodies(), ['{"after":true}'])
})

test('each request keeps its own URL and headers when the ring reuses a slot for a shorter head', () => {
  const { j, record } = journal(2)
  const long = {
    authorization: 'Bearer abc',
    'user-agent': 'x'.repeat(3000),
    accept: ['a/b', 'c/d'] as never,
  }
  record('{}', '/restapi/v1.0/account/~/extension/~/message-store?perPage=2&access_token=tok', long)
  record('{}', '/restapi/v1.0/account/~', { 'x-one': 'v:1' })
  record('{}', '/restapi/oauth/token', { authorization: 'Basic dTpw' }) // overwrites the first
  const [token, account] = j.list({})
  assert.equal(token!.path, '/restapi/oauth/token')
  assert.deepEqual(token!.requestHeaders, { authorization: '***' })
  assert.equal(token!.clientId, 'u')
  assert.equal(account!.path, '/restapi/v1.0/account/~')
  assert.deepEqual(account!.requestHeaders, { 'x-one': 'v:1' })
  const { record: again, j: j2 } = journal(4)
  again('{}', '/restapi/v1.0/account/~/extension/~/message-store?perPage=2&access_token=tok', long)
  const [entry] = j2.list({ path: '/restapi/v1.0/account/~/extension/~/message-store' })
  assert.deepEqual(entry!.query, { perPage: '2', access_token: '***' })
  assert.deepEqual(entry!.requestHeaders, {
    authorization: '***',
    'user-agent': 'x'.repeat(3000),
    accept: 'a/b, c/d',
  })
})
