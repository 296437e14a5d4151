import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setImmediate as tick } from 'node:timers/promises'
import { collectGarbage } from '../../src/lib/collect-garbage.js'

test('collectGarbage frees an object nothing refers to', async () => {
  const ref = (() => new WeakRef({ payload: Buffer.alloc(1024) }))()
  // A WeakRef's target stays alive until the job that made it ends.
  await tick()
  collectGarbage()
  assert.equal(ref.deref(), undefined)
})

test('collectGarbage leaves no gc function on the global object', () => {
  collectGarbage()
  assert.equal((globalThis as { gc?: unknown }).gc, undefined)
})
