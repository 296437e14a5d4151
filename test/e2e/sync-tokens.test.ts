import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  failure,
  login,
  OLGA,
  type Platform,
  READONLY_APP,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import { fsync, isync, SYNC } from '../helpers/sync.js'

/** Every way a sync token can be wrong answers 400 with parameterName syncToken. */
describe('message sync: tokens are opaque and tamper-proof', () => {
  let server: RunningServer
  let other: RunningServer
  let alice: Platform
  let bob: Platform
  let olga: Platform
  let token: string

  before(async () => {
    ;[server, other] = await Promise.all([startStandard(), startStandard()])
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    olga = (await login(server, OLGA)).platform
    await smsTo(server, ALICE.username, 'hello')
    token = (await fsync(alice)).syncInfo.syncToken
  })

  after(async () => {
    await Promise.all([server.stop(), other.stop()])
  })

  async function assertBadToken(platform: Platform, syncToken: string, url = SYNC) {
    const res = await failure(platform.get(url, { syncType: 'ISync', syncToken }))
    assert.equal(res.status, 400, `${syncToken}: ${JSON.stringify(res.body)}`)
    assert.equal(res.body.errorCode, 'CMN-101')
    assert.equal(res.body.errors[0].errorCode, 'CMN-101')
    assert.equal(res.body.errors[0].parameterName, 'syncToken')
    assert.match(res.body.message, /syncToken/)
  }

  test('the token reveals nothing readable: no ids, no numbers, no JSON', () => {
    assert.match(token, /^[A-Za-z0-9_-]+$/)
    const decoded = Buffer.from(token, 'base64url').toString('latin1')
    for (const secret of [ALICE.id, '1001', 'Alive', 'FSync', '"a"'])
      assert.ok(!decoded.includes(secret), secret)
    assert.ok(!token.includes(ALICE.id))
  })

  test('a garbled token: random text, base64 noise, truncated, padded, empty spaces', async () => {
    for (const bad of [
      'x',
      'not a token',
      'AAAAAv8AAAE1sc6UAP_______________wAAATlo9mWw',
      Buffer.from('{"a":"1001","e":"62001","s":0}').toString('base64url'),
      token.slice(0, -1),
      token.slice(0, token.length / 2),
      `${token}A`,
      `${token}==`,
      // The standard base64 spelling: the same bytes, but not the token's one spelling.
      // A token with neither '-' nor '_' spells the same both ways, so it is skipped below.
      token.replaceAll('-', '+').replaceAll('_', '/'),
      `+${token.slice(1)}`,
    ]) {
      if (bad === token) continue
      await assertBadToken(alice, bad)
    }
  })

  test('a forged token: any single character changed', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    // Every position once, the last included (whose spare bits base64 would ignore).
    for (let i = 0; i < token.length; i++) {
      const c = token[i]!
      const swapped = alphabet[(alphabet.indexOf(c) + 1 + (i % 7)) % alphabet.length]!
      await assertBadToken(alice, token.slice(0, i) + swapped + token.slice(i + 1))
    }
  })

  test("a foreign token: another store's, even for the same account and extension ids", async () => {
    const otherAlice = (await login(other, ALICE)).platform
    const foreign = (await fsync(otherAlice)).syncInfo.syncToken
    await assertBadToken(alice, foreign)
    // And the other way round.
    const res = await failure(otherAlice.get(SYNC, { syncType: 'ISync', syncToken: token }))
    assert.equal(res.status, 400)
    assert.equal(res.body.errors[0].parameterName, 'syncToken')
  })

  test("another mailbox's token: another extension, another account, or another mailbox by path", async () => {
    await assertBadToken(bob, token)
    await assertBadToken(olga, token)
    // Alice (a SuperAdmin) reading Bob's mailbox cannot use her own mailbox's token for it.
    await assertBadToken(alice, token, `/restapi/v1.0/account/~/extension/${BOB.id}/message-sync`)
    // Bob's own token, though, works for her on Bob's mailbox.
    const bobs = (await fsync(bob)).syncInfo.syncToken
    const answer = await isync(alice, bobs, {}, `/restapi/v1.0/account/~/extension/${BOB.id}/message-sync`)
    assert.equal(answer.syncInfo.syncType, 'ISync')
  })

  test('the genuine token still works after all that', async () => {
    const answer = await isync(alice, token)
    assert.deepEqual(answer.records, [])
  })

  test('without ReadMessages: 403 before the token is looked at', async () => {
    const { platform } = await login(server, ALICE, READONLY_APP)
    const res = await failure(platform.get(SYNC, { syncType: 'ISync', syncToken: 'garbage' }))
    assert.equal(res.status, 403)
    assert.equal(res.body.errorCode, 'CMN-401')
  })
})
