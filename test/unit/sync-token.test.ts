import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { ApiError } from '../../src/domain/errors.js'
import { addedRegions, parseFrame, type SyncFrame, WEEK, widenDates } from '../../src/domain/sync/frame.js'
import {
  checkTokenMailbox,
  encodeSyncToken,
  openSyncToken,
  type SyncState,
} from '../../src/domain/sync/token.js'
import { open, seal } from '../../src/lib/sealed.js'

const key = randomBytes(32)
const mailbox = { accountId: '1001', extensionId: '62001' }
const frame: SyncFrame = {
  types: ['SMS', 'VoiceMail'],
  directions: ['Inbound'],
  conversationId: 42,
  distinct: true,
  from: 1_000,
  lower: [5_000, 17],
  upper: null,
}
const state: SyncState = { ...mailbox, seq: 123, frame }

/** What the sync service does with a token it is given: open it, then check it is this mailbox's. */
function decodeSyncToken(key: Uint8Array, text: string, forMailbox: typeof mailbox): SyncState {
  const opened = openSyncToken(key, text)
  checkTokenMailbox(opened, forMailbox)
  return opened
}

function rejects(call: () => unknown) {
  assert.throws(
    call,
    (err: unknown) => err instanceof ApiError && err.status === 400 && err.parameterName === 'syncToken',
  )
}

test('a token round-trips the mailbox, the sequence number and the frame', () => {
  assert.deepEqual(decodeSyncToken(key, encodeSyncToken(key, state), mailbox), state)
  const open: SyncState = { ...state, frame: { distinct: false, from: 0, lower: [0, 0], upper: 99 } }
  const decoded = decodeSyncToken(key, encodeSyncToken(key, open), mailbox)
  assert.deepEqual(decoded.frame, {
    ...open.frame,
    types: undefined,
    directions: undefined,
    conversationId: undefined,
  })
})

test('two tokens of one state differ (random IV) and are both valid', () => {
  const a = encodeSyncToken(key, state)
  const b = encodeSyncToken(key, state)
  assert.notEqual(a, b)
  assert.deepEqual(decodeSyncToken(key, b, mailbox), state)
})

test('another key, another mailbox, an edit, a truncation, a sealed value of another shape: all refused', () => {
  const token = encodeSyncToken(key, state)
  rejects(() => decodeSyncToken(randomBytes(32), token, mailbox))
  rejects(() => decodeSyncToken(key, token, { accountId: '1001', extensionId: '62002' }))
  rejects(() => decodeSyncToken(key, token, { accountId: '2001', extensionId: '62001' }))
  rejects(() =>
    decodeSyncToken(key, `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`, mailbox),
  )
  rejects(() => decodeSyncToken(key, token.slice(0, -2), mailbox))
  rejects(() => decodeSyncToken(key, '', mailbox))
  rejects(() =>
    decodeSyncToken(key, seal(key, 'msgstore message-sync token v1', { a: '1001', e: '62001' }), mailbox),
  )
  rejects(() =>
    decodeSyncToken(key, seal(key, 'another purpose', JSON.parse(JSON.stringify({})) as object), mailbox),
  )
})

test('sealed values open only with their key and purpose, in their one spelling', () => {
  const text = seal(key, 'p', { x: 1 })
  assert.deepEqual(open(key, 'p', text), { x: 1 })
  assert.equal(open(key, 'q', text), undefined)
  assert.equal(open(randomBytes(32), 'p', text), undefined)
  assert.equal(open(key, 'p', `${text}=`), undefined)
  assert.equal(open(key, 'p', 'not base64!'), undefined)
})

test("FSync frames: the guide's defaults (open, a week before dateTo or now)", () => {
  const now = Date.UTC(2030, 0, 10)
  const open = parseFrame({}, now).frame
  assert.deepEqual(open, {
    types: undefined,
    directions: undefined,
    conversationId: undefined,
    distinct: false,
    from: now - WEEK,
    lower: [now - WEEK, 0],
    upper: null,
  })
  const fixed = parseFrame({ dateTo: '2030-01-05T00:00:00Z' }, now).frame
  assert.equal(fixed.upper, Date.UTC(2030, 0, 5))
  assert.equal(fixed.from, Date.UTC(2030, 0, 5) - WEEK)
  assert.equal(parseFrame({ recordCount: '0' }, now).recordCount, 0)
  for (const bad of ['-1', 'x', '1.5', '3000000000']) {
    assert.throws(() => parseFrame({ recordCount: bad }, now), /recordCount/)
  }
})

test('widening only ever widens, and names the ranges it added', () => {
  const base: SyncFrame = { distinct: false, from: 100, lower: [500, 7], upper: 1_000 }
  assert.deepEqual(widenDates(base, {}), base)
  assert.deepEqual(widenDates(base, { dateFrom: 200, dateTo: 900 }), base, 'narrower asks change nothing')
  const earlier = widenDates(base, { dateFrom: 50 })
  assert.deepEqual(earlier, { ...base, from: 50, lower: [50, 0] })
  assert.deepEqual(addedRegions(base, earlier), [{ lower: [50, 0], below: [500, 7], upper: 1_000 }])
  const later = widenDates(base, { dateTo: 2_000 })
  assert.deepEqual(addedRegions(base, later), [{ lower: [500, 7], after: 1_000, upper: 2_000 }])
  // With a record count, an earlier dateFrom keeps the cut for the count to move.
  assert.deepEqual(widenDates(base, { dateFrom: 50, recordCount: 10 }).lower, [500, 7])
  // An open frame stays open.
  assert.equal(widenDates({ ...base, upper: null }, { dateTo: 5 }).upper, null)
})
