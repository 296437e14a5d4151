import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ByteLru } from '../../src/lib/byte-lru.js'

const entry = (n: number) => ({ bytes: Buffer.alloc(n) })

test('drops the least recently used entries past its byte budget', () => {
  const lru = new ByteLru(100)
  lru.set('a', entry(40))
  lru.set('b', entry(40))
  assert.ok(lru.get('a'))
  lru.set('c', entry(40))
  assert.equal(lru.get('b'), undefined, 'b was the least recently used')
  assert.ok(lru.get('a'))
  assert.ok(lru.get('c'))
  assert.equal(lru.totalBytes, 80)
})

test('replacing or deleting a key gives its bytes back; an entry over the budget is not kept', () => {
  const lru = new ByteLru(100)
  lru.set('a', entry(60))
  lru.set('a', entry(30))
  assert.equal(lru.totalBytes, 30)
  lru.delete('a')
  assert.equal(lru.totalBytes, 0)
  lru.set('big', entry(101))
  assert.equal(lru.get('big'), undefined)
  assert.equal(lru.totalBytes, 0)
})
