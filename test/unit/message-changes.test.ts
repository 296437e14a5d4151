import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ApiError } from '../../src/domain/errors.js'
import { parseMessageUpdate, transition } from '../../src/domain/message/lifecycle.js'
import { parseRange } from '../../src/http/byte-response.js'
import { MultipartMixedBody, parseMultipartMixed } from '../../src/http/plugins/bulk-bodies.js'

const alive = { availability: 'Alive', readStatus: 'Unread' } as const
const deleted = { availability: 'Deleted', readStatus: 'Unread' } as const
const purged = { availability: 'Purged', readStatus: 'Read' } as const

test('DELETE steps Alive → Deleted → Purged; purge goes straight to Purged', () => {
  assert.equal(transition(alive, { kind: 'delete', purge: false }).availability, 'Deleted')
  assert.equal(transition(deleted, { kind: 'delete', purge: false }).availability, 'Purged')
  assert.equal(transition(purged, { kind: 'delete', purge: false }).availability, 'Purged')
  assert.equal(transition(alive, { kind: 'delete', purge: true }).availability, 'Purged')
})

test('delete by filter moves Alive to Deleted only, unless it purges', () => {
  assert.equal(transition(alive, { kind: 'deleteByFilter', purge: false }).availability, 'Deleted')
  assert.equal(transition(deleted, { kind: 'deleteByFilter', purge: false }).availability, 'Deleted')
  assert.equal(transition(deleted, { kind: 'deleteByFilter', purge: true }).availability, 'Purged')
})

test('an update sets the read status and restores Deleted, never Purged', () => {
  assert.deepEqual(transition(deleted, { kind: 'update', restore: true, readStatus: 'Read' }), {
    availability: 'Alive',
    readStatus: 'Read',
  })
  assert.deepEqual(transition(deleted, { kind: 'update', readStatus: 'Read' }), {
    availability: 'Deleted',
    readStatus: 'Read',
  })
  assert.throws(
    () => transition(purged, { kind: 'update', restore: true }),
    (e: ApiError) => e.status === 400 && e.parameterName === 'availability',
  )
})

test('PUT bodies need readStatus; PATCH bodies need readStatus or availability Alive', () => {
  assert.deepEqual(parseMessageUpdate({ readStatus: 'Read' }, 'PUT'), { readStatus: 'Read' })
  assert.deepEqual(parseMessageUpdate({ availability: 'Alive' }, 'PATCH'), { restore: true })
  const named = (body: unknown, method: 'PUT' | 'PATCH', name: string) =>
    assert.throws(
      () => parseMessageUpdate(body, method),
      (e: ApiError) => e instanceof ApiError && e.status === 400 && e.parameterName === name,
    )
  named(undefined, 'PUT', 'readStatus')
  named({}, 'PUT', 'readStatus')
  named([], 'PUT', 'readStatus')
  named({ availability: 'Alive' }, 'PUT', 'readStatus')
  named({ readStatus: 'READ' }, 'PUT', 'readStatus')
  named({}, 'PATCH', 'readStatus')
  named('Read', 'PATCH', 'readStatus')
  named({ availability: 'Deleted' }, 'PATCH', 'availability')
})

test('byte ranges: one range within the size, or unsatisfiable, or ignored', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 })
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 })
  assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 })
  assert.deepEqual(parseRange('bytes=-1000', 100), { start: 0, end: 99 })
  assert.deepEqual(parseRange('bytes=50-5000', 100), { start: 50, end: 99 })
  assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable')
  assert.equal(parseRange('bytes=100-200', 100), 'unsatisfiable')
  assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable')
  assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable')
  for (const ignored of [
    undefined,
    '',
    'bytes=',
    'bytes=-',
    'bytes=9-1',
    'bytes=0-1,3-4',
    'pages=1-2',
    'bytes=a-b',
  ]) {
    assert.equal(parseRange(ignored, 100), undefined, String(ignored))
  }
})

test('multipart/mixed request bodies come out as their parts, in order', () => {
  const body = Buffer.from(
    'preamble\r\n--b1\r\nContent-Type: application/json\r\n\r\n{"readStatus":"Read"}\r\n' +
      '--b1\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{"readStatus":"Unread"}\r\n--b1--\r\n',
  )
  const parsed = parseMultipartMixed('multipart/mixed; boundary=b1', body)
  assert.ok(parsed instanceof MultipartMixedBody)
  assert.deepEqual(
    parsed.parts.map((p) => [p.contentType, JSON.parse(p.body.toString())]),
    [
      ['application/json', { readStatus: 'Read' }],
      ['application/json', { readStatus: 'Unread' }],
    ],
  )
  const rejects = (type: string, text: string, status: number) =>
    assert.throws(
      () => parseMultipartMixed(type, Buffer.from(text)),
      (e: ApiError) => e.status === status,
    )
  rejects('multipart/mixed', '--b1\r\n\r\n{}\r\n--b1--\r\n', 400)
  rejects('multipart/mixed; boundary=b1', '--b1\r\n\r\n{}\r\n', 400)
  rejects('multipart/mixed; boundary=b2', '--b1\r\n\r\n{}\r\n--b1--\r\n', 400)
  // multipasta refuses a part without any header line: a 400, never a misaligned bulk.
  rejects('multipart/mixed; boundary=b1', '--b1\r\n\r\n{}\r\n--b1--\r\n', 400)
  const many = `${'--b\r\nContent-Type: application/json\r\n\r\n{}\r\n'.repeat(1001)}--b--\r\n`
  assert.throws(
    () => parseMultipartMixed('multipart/mixed; boundary=b', Buffer.from(many)),
    (e: ApiError) => e.errorCode === 'CMN-106',
  )
})
