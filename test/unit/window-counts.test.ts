import assert from 'node:assert/strict'
import { test } from 'node:test'
import { countBetween, WindowCounts } from '../../src/services/window-counts.js'

const times = (...t: number[]) => Float64Array.from(t)

test('a window counts the times within it, both ends included', () => {
  const t = times(10, 20, 20, 30, 40)
  assert.equal(countBetween(t, 0, 100), 5)
  assert.equal(countBetween(t, 20, 30), 3)
  assert.equal(countBetween(t, 20, 20), 2)
  assert.equal(countBetween(t, 21, 29), 0)
  assert.equal(countBetween(t, 41, 50), 0)
  assert.equal(countBetween(t, 30, 20), 0, 'an empty window')
  assert.equal(countBetween(times(), 0, 100), 0)
})

test('the oldest entries go once more times are kept than allowed', () => {
  const counts = new WindowCounts(5)
  counts.set('a', 1, times(1, 2, 3), 0)
  counts.set('b', 1, times(1, 2), 0)
  assert.ok(counts.get('a'))
  counts.set('c', 1, times(1, 2), 0)
  assert.equal(counts.get('b'), undefined, 'b was the least recently used')
  assert.ok(counts.get('a'))
  assert.ok(counts.get('c'))
  counts.set('huge', 1, times(1, 2, 3, 4, 5, 6), 0)
  assert.equal(counts.get('huge'), undefined, 'more than all that may be kept is not kept')
})

test('an entry is read again at most once per interval', () => {
  const counts = new WindowCounts(100, 1000)
  assert.equal(counts.wantsLoad('a', 0), true)
  counts.set('a', 1, times(1), 5000)
  assert.equal(counts.wantsLoad('a', 5500), false)
  assert.equal(counts.wantsLoad('a', 6000), true)
  counts.set('a', 2, times(1, 2), 6000)
  assert.equal(counts.get('a')?.mailboxSeq, 2)
})
