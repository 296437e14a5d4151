import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliverOne,
  login,
  MESSAGE_STORE,
  OLGA,
  type Platform,
  READONLY_APP,
  sdkError,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const OUTSIDE = '+14155550123'
const storeOf = (account: string, extension: string) =>
  `/restapi/v1.0/account/${account}/extension/${extension}/message-store`

let server: RunningServer
let alice: Platform // SuperAdmin of 1001
let bob: Platform // User of 1001
let olga: Platform // SuperAdmin of 2001
let readonly: Platform // Alice, through an app without ReadMessages
const id: Record<string, number> = {}

before(async () => {
  server = await startProvisioned()
  id.alice = await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'for Alice' })
  id.bob = await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [BOB.username], text: 'for Bob' })
  id.olga = await deliverOne(
    server,
    { type: 'SMS', from: OUTSIDE, to: [OLGA.username], text: 'for Olga' },
    '2001',
  )
  ;[alice, bob, olga, readonly] = await Promise.all([
    login(server.baseUrl, ALICE),
    login(server.baseUrl, BOB),
    login(server.baseUrl, OLGA),
    login(server.baseUrl, ALICE, READONLY_APP),
  ])
})
after(async () => {
  await server.stop()
})

async function ids(platform: Platform, path: string): Promise<number[]> {
  const res = await platform.get(path)
  assert.equal(res.status, 200)
  return (await res.json()).records.map((r: { id: number }) => r.id)
}

function assertError(res: { status: number; body: any }, status: number, errorCode: string) {
  assert.equal(res.status, status, JSON.stringify(res.body))
  assert.equal(res.body.errorCode, errorCode)
  assert.equal(res.body.errors[0].errorCode, errorCode)
  assert.equal(typeof res.body.message, 'string')
}

describe('app permissions', () => {
  test('an app without ReadMessages gets 403 CMN-401 listing and reading', async () => {
    for (const path of [MESSAGE_STORE, `${MESSAGE_STORE}/${id.alice}`, `${MESSAGE_STORE}/${id.alice},1`]) {
      const res = await sdkError(readonly.get(path))
      assertError(res, 403, 'CMN-401')
      assert.match(res.body.message, /ReadMessages/)
    }
  })

  test('the permission check comes before validating the request', async () => {
    const bad = [
      { messageType: 'Bogus' },
      { page: '0' },
      { dateFrom: 'yesterday' },
      { perPage: 'many', availability: 'Gone' },
    ]
    for (const query of bad) assertError(await sdkError(readonly.get(MESSAGE_STORE, query)), 403, 'CMN-401')
    const many = Array.from({ length: 60 }, (_, i) => i + 1).join(',')
    assertError(await sdkError(readonly.get(`${MESSAGE_STORE}/${many}`)), 403, 'CMN-401')
  })

  test('the permission check comes before the mailbox check', async () => {
    assertError(await sdkError(readonly.get(storeOf('~', BOB.id))), 403, 'CMN-401')
    assertError(await sdkError(readonly.get(storeOf('2001', OLGA.id))), 403, 'CMN-401')
  })
})

describe('whose mailbox', () => {
  test('~ is my own account and extension, and so are my ids', async () => {
    assert.deepEqual(await ids(bob, MESSAGE_STORE), [id.bob])
    assert.deepEqual(await ids(bob, storeOf('1001', BOB.id)), [id.bob])
    assert.deepEqual(await ids(bob, storeOf('~', BOB.id)), [id.bob])
    assert.deepEqual(await ids(bob, storeOf('1001', '~')), [id.bob])
  })

  test("a user reading another extension's mailbox gets 403 CMN-404", async () => {
    assertError(await sdkError(bob.get(storeOf('~', ALICE.id))), 403, 'CMN-404')
    assertError(await sdkError(bob.get(`${storeOf('~', ALICE.id)}/${id.alice}`)), 403, 'CMN-404')
    assertError(await sdkError(bob.get(storeOf('~', '99999'))), 403, 'CMN-404')
  })

  test('a SuperAdmin reads another extension of the same account', async () => {
    assert.deepEqual(await ids(alice, storeOf('~', BOB.id)), [id.bob])
    const res = await alice.get(`${storeOf('1001', BOB.id)}/${id.bob}`)
    const record = await res.json()
    assert.equal(record.id, id.bob)
    assert.equal(record.uri, `${server.baseUrl}${storeOf('1001', BOB.id)}/${id.bob}`)
  })

  test('a SuperAdmin asking for an extension that is not in the account gets 404', async () => {
    assertError(await sdkError(alice.get(storeOf('~', '99999'))), 404, 'CMN-102')
    assertError(await sdkError(alice.get(storeOf('~', OLGA.id))), 404, 'CMN-102')
  })

  test('another account is never reachable, not even by a SuperAdmin', async () => {
    assertError(await sdkError(olga.get(storeOf('1001', ALICE.id))), 403, 'CMN-404')
    assertError(await sdkError(olga.get(storeOf('1001', '~'))), 403, 'CMN-404')
    assertError(await sdkError(alice.get(storeOf('2001', OLGA.id))), 403, 'CMN-404')
    assertError(await sdkError(alice.get(`${storeOf('2001', OLGA.id)}/${id.olga}`)), 403, 'CMN-404')
    // Nor by guessing a message id through one's own mailbox.
    assertError(await sdkError(alice.get(`${MESSAGE_STORE}/${id.olga}`)), 404, 'CMN-102')
    assert.deepEqual(await ids(olga, MESSAGE_STORE), [id.olga])
  })
})
