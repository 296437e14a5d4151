import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashPassword, verifyPassword } from '../../src/lib/secrets.js'

/**
 * scrypt is slow on purpose; computed on the event loop it would stall every other
 * request for its whole duration. Here the event loop must turn (a setImmediate
 * callback runs) while a hash is computed and while one is verified.
 */
async function loopTurnsDuring<T>(work: () => Promise<T> | T): Promise<{ turned: boolean; value: T }> {
  let turned = false
  setImmediate(() => {
    turned = true
  })
  const value = await work()
  return { turned, value }
}

test('hashing a password leaves the event loop free', async () => {
  const hashed = await loopTurnsDuring(() => hashPassword('correct horse'))
  assert.equal(hashed.turned, true)
  assert.match(hashed.value, /^scrypt\$/)
  const right = await loopTurnsDuring(() => verifyPassword('correct horse', hashed.value))
  assert.deepEqual(right, { turned: true, value: true })
  const wrong = await loopTurnsDuring(() => verifyPassword('battery staple', hashed.value))
  assert.deepEqual(wrong, { turned: true, value: false })
})
