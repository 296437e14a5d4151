import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Principal } from '../../src/domain/principal.js'
import { PrincipalCache } from '../../src/services/oauth/principal-cache.js'

const caller = (sessionId: string): Principal => ({
  accountId: '1001',
  extensionId: '62001',
  role: 'User',
  permissions: new Set(['ReadMessages']),
  sessionId,
  clientId: 'test-client',
})

test('a token read is answered from the cache with its expiry', () => {
  const cache = new PrincipalCache()
  cache.set('token-a', caller('s1'), 5000, cache.epoch)
  assert.equal(cache.get('token-a')?.principal.sessionId, 's1')
  assert.equal(cache.get('token-a')?.expiresAt, 5000)
  assert.equal(cache.get('token-b'), undefined)
})

test('forgetting a session drops its tokens and no other', () => {
  const cache = new PrincipalCache()
  cache.set('access-1', caller('s1'), 5000, cache.epoch)
  cache.set('access-2', caller('s1'), 5000, cache.epoch)
  cache.set('other', caller('s2'), 5000, cache.epoch)
  cache.forgetSession('s1')
  assert.equal(cache.get('access-1'), undefined)
  assert.equal(cache.get('access-2'), undefined)
  assert.equal(cache.get('other')?.principal.sessionId, 's2')
  cache.clear()
  assert.equal(cache.get('other'), undefined)
})

test('a read begun before a revocation is not kept after it', () => {
  const cache = new PrincipalCache()
  const before = cache.epoch
  // The revocation commits while the token's row, read before it, is on its way back.
  cache.forgetSession('s1')
  cache.set('access-1', caller('s1'), 5000, before)
  assert.equal(cache.get('access-1'), undefined)
  cache.set('access-1', caller('s1'), 5000, cache.epoch)
  assert.equal(cache.get('access-1')?.principal.sessionId, 's1')
})
