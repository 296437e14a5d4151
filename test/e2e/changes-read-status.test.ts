import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  everything,
  failure,
  login,
  OLGA,
  type Platform,
  READONLY_APP,
  record,
  STORE,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

describe('read status: PUT and PATCH of one message', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let olga: Platform
  let bobBefore: Map<number, any>
  let olgaBefore: Map<number, any>

  before(async () => {
    // The manual clock: every lastModifiedTime must come from it, not from the machine's clock.
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    olga = (await login(server, OLGA)).platform
    await smsTo(server, BOB.username, 'for Bob only')
    await server.admin('POST', '/admin/v1/accounts/2001/inbound', {
      type: 'SMS',
      from: '+14155550199',
      to: [OLGA.username],
      text: 'for Olga only',
    })
    bobBefore = await everything(bob)
    olgaBefore = await everything(olga)
  })

  after(async () => {
    // No call of this file touched another mailbox.
    assert.deepEqual(await everything(bob), bobBefore)
    assert.deepEqual(await everything(olga), olgaBefore)
    await server.stop()
  })

  test('PUT marks a message Read and Unread; the record, the read and the listing agree', async () => {
    const id = await smsTo(server, ALICE.username)
    const original = await record(alice, id)
    assert.equal(original.readStatus, 'Unread')

    const clock = await server.admin('POST', '/admin/v1/clock', { advance: 'PT1H' })
    const read = await (await alice.put(`${STORE}/${id}`, { readStatus: 'Read' })).json()
    assert.equal(read.readStatus, 'Read')
    assert.equal(read.lastModifiedTime, clock.body.now, 'lastModifiedTime is the store clock')
    assert.deepEqual(read, { ...original, readStatus: 'Read', lastModifiedTime: clock.body.now })
    assert.deepEqual(await record(alice, id), read)
    assert.deepEqual((await everything(alice)).get(id), read)

    const later = await server.admin('POST', '/admin/v1/clock', { advance: 'PT1M' })
    const unread = await (await alice.put(`${STORE}/${id}`, { readStatus: 'Unread' })).json()
    assert.equal(unread.readStatus, 'Unread')
    assert.equal(unread.lastModifiedTime, later.body.now)
    const listed = await alice.get(STORE, { readStatus: 'Unread' })
    assert.ok((await listed.json()).records.some((r: any) => r.id === id && r.readStatus === 'Unread'))
  })

  test('PATCH changes readStatus alone', async () => {
    const id = await smsTo(server, ALICE.username)
    const patched = await (await alice.patch(`${STORE}/${id}`, { readStatus: 'Read' })).json()
    assert.equal(patched.readStatus, 'Read')
    assert.equal(patched.availability, 'Alive')
    assert.deepEqual(await record(alice, id), patched)
  })

  test('setting the read status a message already has changes nothing', async () => {
    const id = await smsTo(server, ALICE.username)
    const original = await record(alice, id)
    await server.admin('POST', '/admin/v1/clock', { advance: 'PT1M' })
    const same = await (await alice.put(`${STORE}/${id}`, { readStatus: 'Unread' })).json()
    assert.deepEqual(same, original)
  })

  test('an empty or invalid body is a 400 that names the field', async () => {
    const id = await smsTo(server, ALICE.username)
    const cases: [() => Promise<unknown>, string][] = [
      [() => alice.put(`${STORE}/${id}`), 'readStatus'],
      [() => alice.put(`${STORE}/${id}`, {}), 'readStatus'],
      [() => alice.put(`${STORE}/${id}`, { readStatus: 'Seen' }), 'readStatus'],
      [() => alice.put(`${STORE}/${id}`, { availability: 'Alive' }), 'readStatus'],
      [() => alice.patch(`${STORE}/${id}`, {}), 'readStatus'],
      [() => alice.patch(`${STORE}/${id}`), 'readStatus'],
      [() => alice.patch(`${STORE}/${id}`, { readStatus: 'read' }), 'readStatus'],
      [() => alice.patch(`${STORE}/${id}`, { availability: 'Purged' }), 'availability'],
    ]
    for (const [call, field] of cases) {
      const { status, body } = await failure(call())
      assert.equal(status, 400)
      assert.equal(body.errorCode, 'CMN-101')
      assert.equal(body.errors[0].parameterName, field)
      assert.match(body.message, new RegExp(field))
    }
    const bad = await failure(
      alice.send({
        method: 'PUT',
        url: `${STORE}/${id}`,
        body: '{"readStatus":',
        headers: { 'Content-Type': 'application/json' },
      }),
    )
    assert.equal(bad.status, 400)
    assert.equal(bad.body.errorCode, 'CMN-103')
    assert.equal((await record(alice, id)).readStatus, 'Unread')
  })

  test('an unknown id, or a message of another mailbox, is a 404 CMN-102', async () => {
    const bobs = [...bobBefore.keys()][0]!
    for (const id of ['999999999', 'abc', String(bobs)]) {
      const { status, body } = await failure(alice.put(`${STORE}/${id}`, { readStatus: 'Read' }))
      assert.equal(status, 404)
      assert.equal(body.errorCode, 'CMN-102')
      assert.equal(body.errors[0].parameterName, 'messageId')
    }
    const other = await failure(olga.patch(`${STORE}/${bobs}`, { readStatus: 'Read' }))
    assert.equal(other.status, 404)
  })

  test('a user cannot change another extension; another account is refused', async () => {
    const id = await smsTo(server, ALICE.username)
    const denied = await failure(
      bob.put(`/restapi/v1.0/account/~/extension/${ALICE.id}/message-store/${id}`, {
        readStatus: 'Read',
      }),
    )
    assert.equal(denied.status, 403)
    assert.equal(denied.body.errorCode, 'CMN-404')
    const otherAccount = await failure(
      olga.put(`/restapi/v1.0/account/1001/extension/~/message-store/${id}`, {
        readStatus: 'Read',
      }),
    )
    assert.equal(otherAccount.status, 403)
    assert.equal((await record(alice, id)).readStatus, 'Unread')
  })

  test('a SuperAdmin changes a message of another extension of the account through its id', async () => {
    const id = await smsTo(server, BOB.username)
    const path = `/restapi/v1.0/account/~/extension/${BOB.id}/message-store/${id}`
    const updated = await (await alice.put(path, { readStatus: 'Read' })).json()
    assert.equal(updated.readStatus, 'Read')
    assert.equal((await record(bob, id)).readStatus, 'Read')
    // Put back, so that Bob's mailbox ends as it began.
    await alice.put(path, { readStatus: 'Unread' })
    const restored = await record(bob, id)
    assert.equal(restored.readStatus, 'Unread')
    bobBefore.set(id, restored)
  })

  test('an app without EditMessages gets 403 CMN-401 for every write, before anything else', async () => {
    const id = await smsTo(server, ALICE.username)
    const { platform: readonly } = await login(server, ALICE, READONLY_APP)
    const calls: (() => Promise<unknown>)[] = [
      () => readonly.put(`${STORE}/${id}`, { readStatus: 'Read' }),
      () => readonly.patch(`${STORE}/${id}`, { availability: 'Alive' }),
      () => readonly.delete(`${STORE}/${id}`),
      () => readonly.delete(STORE),
      () => readonly.put(`${STORE}/999999999`, { bogus: true }),
      () =>
        readonly.send({
          method: 'PUT',
          url: `${STORE}/*`,
          body: 'not json',
          headers: { 'Content-Type': 'multipart/mixed' },
        }),
    ]
    for (const call of calls) {
      const { status, body } = await failure(call())
      assert.equal(status, 403)
      assert.equal(body.errorCode, 'CMN-401')
      assert.match(body.message, /EditMessages/)
    }
    const content = await failure(readonly.get(`${STORE}/${id}/content/1`))
    assert.equal(content.status, 403)
    assert.match(content.body.message, /ReadMessages/)
    const after = await record(alice, id)
    assert.equal(after.readStatus, 'Unread')
    assert.equal(after.availability, 'Alive')
  })
})
