import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ALICE, login, MESSAGE_STORE, type Platform, sdkError, startProvisioned } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

/**
 * Tombstones are pruned 30 days (store clock) after the removal they record. A sync
 * token from before a pruned removal answers 400 MSG-333 (full synchronization is
 * required); a token issued after it still works, and a new FSync starts afresh.
 */
const SYNC = '/restapi/v1.0/account/~/extension/~/message-sync'
let server: RunningServer
let alice: Platform

before(async () => {
  server = await startProvisioned({
    args: ['--clock', 'manual', '--purge-after', 'PT1H', '--remove-after', 'PT1H'],
  })
  alice = await login(server.baseUrl, ALICE)
})

after(async () => {
  await server.stop()
})

async function advance(duration: string): Promise<void> {
  const res = await server.admin('POST', '/admin/v1/clock', { advance: duration })
  assert.equal(res.status, 200)
  // Tokens expire on the store clock too.
  alice = await login(server.baseUrl, ALICE)
}

async function isync(token: string) {
  return (await alice.get(SYNC, { syncType: 'ISync', syncToken: token })).json()
}

test('a token older than a pruned tombstone asks for a full sync; later tokens keep working', async () => {
  const sent = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
    type: 'SMS',
    from: '+14155550123',
    to: [ALICE.username],
    text: 'to be removed',
  })
  assert.equal(sent.status, 201)
  const id = sent.body.messages[0].id
  const full = await (await alice.get(SYNC, { syncType: 'FSync' })).json()
  const before: string = full.syncInfo.syncToken

  await alice.delete(`${MESSAGE_STORE}/${id}`)
  await advance('PT1H') // purged
  await advance('PT1H') // removed: a tombstone
  const seen = await isync(before)
  assert.deepEqual(
    seen.records.map((r: { id: number; availability: string }) => [String(r.id), r.availability]),
    [[String(id), 'Purged']],
  )
  const after: string = seen.syncInfo.syncToken

  // Within the horizon the old token still sees the removal.
  await advance('P29D')
  assert.deepEqual(
    (await isync(before)).records.map((r: { id: number }) => String(r.id)),
    [String(id)],
  )

  await advance('P2D') // past the horizon: the tombstone is pruned
  const refused = await sdkError(alice.get(SYNC, { syncType: 'ISync', syncToken: before }))
  assert.equal(refused.status, 400)
  assert.equal(refused.body.errorCode, 'MSG-333')
  assert.match(refused.body.message, /full synchronization is required/)
  assert.equal(refused.body.errors[0].parameterName, 'syncToken')

  const current = await isync(after)
  assert.deepEqual(current.records, [])
  const fresh = await (await alice.get(SYNC, { syncType: 'FSync' })).json()
  assert.equal((await isync(fresh.syncInfo.syncToken)).syncInfo.syncType, 'ISync')
})
