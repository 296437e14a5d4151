import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SliceRing } from '../../src/exports/slice-ring.js'

describe('SliceRing', () => {
  test('lends slices in order, wraps, and takes them back as their ends pass', () => {
    const ring = new SliceRing(10)
    const a = ring.take(4)!
    const b = ring.take(4)!
    assert.equal(ring.take(3), undefined, 'two bytes left at the end, none at the start')
    assert.ok(ring.holds(a) && ring.holds(b))
    assert.equal(ring.holds(Buffer.alloc(4)), false)
    // A piece that is not the end of its slice gives nothing back.
    ring.passed(a.subarray(0, 2))
    assert.equal(ring.take(3), undefined)
    ring.passed(a.subarray(2))
    const c = ring.take(3)!
    assert.equal(c.byteOffset - ring.buffer.byteOffset, 0, 'wrapped to the start')
    assert.equal(ring.take(2), undefined, 'the start is taken up to the oldest slice')
    ring.passed(b)
    ring.passed(c)
    assert.equal(ring.take(10)!.length, 10, 'all back: the whole ring')
  })

  test('wakes what waits for room when a slice comes back', async () => {
    const ring = new SliceRing(8)
    const a = ring.take(8)!
    let woken = false
    const waiting = ring.room().then(() => {
      woken = true
    })
    await Promise.resolve()
    assert.equal(woken, false)
    ring.passed(a)
    await waiting
    assert.ok(ring.take(8))
  })

  test('refuses slices it can never lend', () => {
    const ring = new SliceRing(8)
    assert.throws(() => ring.take(9))
    assert.throws(() => ring.take(0))
  })
})
