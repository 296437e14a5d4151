import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliverOne,
  getJson,
  login,
  MESSAGE_STORE,
  type Platform,
  passwordToken,
  sdkError,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'
import { fsync, isync } from '../helpers/sync.js'

const OUTSIDE = '+14155550123'
let server: RunningServer

before(async () => {
  server = await startProvisioned()
})
after(() => server.stop())

const expire = (ext: string, kind: 'expire-tokens' | 'expire-sync-tokens', body?: unknown) =>
  server.admin('POST', `/admin/v1/accounts/1001/extensions/${ext}/${kind}`, body ?? {})

describe('expire-tokens', () => {
  test('refresh false: a request answers 401 OAU-128 and the SDK refreshes on its own', async () => {
    const alice: Platform = await login(server.baseUrl, ALICE)
    const before = (await alice.auth().data()).access_token as string
    const bob = await passwordToken(server.baseUrl, BOB)
    const res = await expire(ALICE.id, 'expire-tokens', { refresh: false })
    assert.equal(res.status, 200, JSON.stringify(res.body))

    // The old token, sent by hand, is refused as an expired one.
    const raw = await getJson(`${server.baseUrl}${MESSAGE_STORE}`, before)
    assert.equal(raw.status, 401)
    assert.equal(raw.body.errorCode, 'OAU-128')
    // The SDK, which still believes its token valid, gets the 401, refreshes and retries.
    let refreshed = 0
    alice.on(alice.events.refreshSuccess, () => refreshed++)
    const list = await alice.get(MESSAGE_STORE)
    assert.equal(list.status, 200)
    assert.equal(refreshed, 1)
    assert.notEqual((await alice.auth().data()).access_token, before)
    // Another extension is untouched.
    assert.equal((await getJson(`${server.baseUrl}${MESSAGE_STORE}`, bob.access_token)).status, 200)
  })

  test('refresh true: the refresh token ends too, so the SDK cannot refresh', async () => {
    const alice: Platform = await login(server.baseUrl, ALICE)
    assert.equal((await expire(ALICE.id, 'expire-tokens', { refresh: true })).status, 200)
    const failure = await alice.get(MESSAGE_STORE).then(
      () => undefined,
      (e) => e,
    )
    assert.ok(failure, 'the call fails')
    assert.equal((await expire('99999', 'expire-tokens')).status, 404)
    assert.equal((await expire(ALICE.id, 'expire-tokens', { refresh: 'yes' })).status, 400)
  })
})

describe('expire-sync-tokens', () => {
  test('ISync refuses every earlier token with 400 CMN-101 syncToken; FSync works and issues good ones', async () => {
    const bob: Platform = await login(server.baseUrl, BOB)
    await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [BOB.username], text: 'one' })
    const first = await fsync(bob)
    assert.equal(first.records.length, 1)
    const token = first.syncInfo.syncToken
    const later = (await isync(bob, token)).syncInfo.syncToken

    assert.equal((await expire(BOB.id, 'expire-sync-tokens')).status, 200)
    for (const old of [token, later]) {
      const refused = await sdkError(isync(bob, old))
      assert.equal(refused.status, 400)
      assert.equal(refused.body.errorCode, 'CMN-101')
      assert.equal(refused.body.errors[0].parameterName, 'syncToken')
    }
    const again = await fsync(bob)
    assert.equal(again.records.length, 1)
    await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [BOB.username], text: 'two' })
    const next = await isync(bob, again.syncInfo.syncToken)
    assert.deepEqual(
      next.records.map((r: any) => r.subject),
      ['two'],
    )
    // Alice's tokens are not Bob's business.
    const alice = await login(server.baseUrl, ALICE)
    const aliceToken = (await fsync(alice)).syncInfo.syncToken
    assert.equal((await expire(BOB.id, 'expire-sync-tokens')).status, 200)
    assert.ok((await isync(alice, aliceToken)).syncInfo.syncToken)
  })
})
