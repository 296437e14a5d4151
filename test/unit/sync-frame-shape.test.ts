import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SyncFrame } from '../../src/domain/sync/frame.js'
import { frameOf, frameShape, frameValues } from '../../src/storage/repositories/sync-frame-shape.js'

const frames: SyncFrame[] = [
  { distinct: false, from: 1_000, lower: [1_000, 0], upper: null },
  {
    types: ['SMS', 'Fax'],
    directions: ['Inbound'],
    conversationId: 42,
    distinct: true,
    from: 1_000,
    lower: [5_000, 17],
    upper: 9_000,
  },
  { types: ['VoiceMail'], distinct: false, from: 0, lower: [0, 0], upper: 0 },
]

test('a frame split into shape and values comes back whole', () => {
  for (const frame of frames) {
    const back = frameOf(frameShape(frame), frameValues(frame))
    assert.deepEqual(back, { types: undefined, directions: undefined, conversationId: undefined, ...frame })
  }
})

test('frames that differ only in their values share a shape', () => {
  const a: SyncFrame = { distinct: false, from: 1, lower: [1, 0], upper: null }
  const b: SyncFrame = { distinct: false, from: 7, lower: [9, 3], upper: null }
  assert.equal(JSON.stringify(frameShape(a)), JSON.stringify(frameShape(b)))
  const bounded: SyncFrame = { ...a, upper: 5 }
  const conversation: SyncFrame = { ...a, conversationId: 1 }
  const typed: SyncFrame = { ...a, types: ['SMS'] }
  const shapes = new Set([a, bounded, conversation, typed].map((f) => JSON.stringify(frameShape(f))))
  assert.equal(shapes.size, 4)
})
