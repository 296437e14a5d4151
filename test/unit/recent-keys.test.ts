import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RecentKeys } from '../../src/lib/recent-keys.js'

test('a key is asked before only from its second time on', () => {
  const keys = new RecentKeys(10)
  assert.equal(keys.askedBefore('a'), false)
  assert.equal(keys.askedBefore('a'), true)
  assert.equal(keys.askedBefore('a'), true)
  assert.equal(keys.askedBefore('b'), false)
})

test('only the last keys are remembered, the least recently asked forgotten first', () => {
  const keys = new RecentKeys(2)
  keys.askedBefore('a')
  keys.askedBefore('b')
  keys.askedBefore('a') // a is now younger than b
  keys.askedBefore('c') // forgets b
  assert.equal(keys.askedBefore('a'), true)
  assert.equal(keys.askedBefore('b'), false, 'b was forgotten')
})
