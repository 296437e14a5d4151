import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  blobKept,
  deliver,
  everything,
  failure,
  fakeFile,
  login,
  OLGA,
  type Platform,
  pastBlobGrace,
  record,
  STORE,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

describe('delete by filter: DELETE …/message-store?conversationId&dateTo&type', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let olga: Platform
  let bobBefore: Map<number, any>
  let olgaBefore: Map<number, any>
  let sender = 0

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    olga = (await login(server, OLGA)).platform
    await smsTo(server, BOB.username, 'Bob keeps this one')
    await deliver(server, { type: 'VoiceMail', to: [BOB.username], attachments: [] })
    await deliver(server, { type: 'SMS', to: [OLGA.username], text: 'Olga keeps this one' }, '2001')
    bobBefore = await everything(bob)
    olgaBefore = await everything(olga)
  })

  after(async () => {
    assert.deepEqual(await everything(bob), bobBefore)
    assert.deepEqual(await everything(olga), olgaBefore)
    await server.stop()
  })

  /** An SMS in a conversation of its own (a new outside number), optionally at a given time. */
  async function conversation(creationTime?: string): Promise<{ id: number; conversationId: number }> {
    sender += 1
    const [id] = await deliver(server, {
      type: 'SMS',
      from: `+1415555${String(1000 + sender).padStart(4, '0')}`,
      to: [ALICE.username],
      text: `conversation ${sender}`,
      creationTime,
    })
    return { id: id!, conversationId: (await record(alice, id!)).conversationId }
  }

  async function availability(ids: number[]): Promise<string[]> {
    return Promise.all(ids.map(async (id) => (await record(alice, id)).availability))
  }

  test('conversationId: one, then several; only those conversations are deleted', async () => {
    const a = await conversation()
    const b = await conversation()
    const c = await conversation()
    const d = await conversation()
    const [a2] = await deliver(server, {
      type: 'SMS',
      from: (await record(alice, a.id)).from.phoneNumber,
      to: [ALICE.username],
      text: 'again',
    })
    assert.equal((await record(alice, a2!)).conversationId, a.conversationId)

    const before = await record(alice, a.id)
    const res = await alice.delete(STORE, undefined, { conversationId: String(a.conversationId) })
    assert.equal(res.status, 204)
    assert.deepEqual(await availability([a.id, a2!, b.id, c.id, d.id]), [
      'Deleted',
      'Deleted',
      'Alive',
      'Alive',
      'Alive',
    ])
    const after = await record(alice, a.id)
    assert.ok(after.lastModifiedTime >= before.lastModifiedTime)
    assert.deepEqual({ ...after, availability: 'Alive', lastModifiedTime: before.lastModifiedTime }, before)

    await alice.delete(STORE, undefined, {
      conversationId: [String(b.conversationId), String(c.conversationId)],
    })
    assert.deepEqual(await availability([b.id, c.id, d.id]), ['Deleted', 'Deleted', 'Alive'])
  })

  test('dateTo is exclusive', async () => {
    const older = await conversation('2020-03-01T10:00:00.000Z')
    const exact = await conversation('2020-03-01T12:00:00.000Z')
    const newer = await conversation('2020-03-01T14:00:00.000Z')
    const res = await alice.delete(STORE, undefined, { dateTo: '2020-03-01T12:00:00.000Z' })
    assert.equal(res.status, 204)
    assert.deepEqual(await availability([older.id, exact.id, newer.id]), ['Deleted', 'Alive', 'Alive'])
  })

  test('type picks one kind of message; All picks every kind', async () => {
    const sms = (await conversation()).id
    const [vm] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', bytes: fakeFile('wav', 1000) }],
    })
    const [fax] = await deliver(server, {
      type: 'Fax',
      to: [ALICE.username],
      attachments: [{ contentType: 'application/pdf', bytes: fakeFile('pdf', 1000) }],
    })
    await alice.delete(STORE, undefined, { type: 'VoiceMail' })
    assert.deepEqual(await availability([vm!, fax!, sms]), ['Deleted', 'Alive', 'Alive'])
    await alice.delete(STORE, undefined, { type: 'Fax' })
    assert.deepEqual(await availability([vm!, fax!, sms]), ['Deleted', 'Deleted', 'Alive'])
    await alice.delete(STORE, undefined, { type: 'SMS', conversationId: '1' })
    assert.deepEqual(await availability([sms]), ['Alive'], 'filters combine')
    await alice.delete(STORE, undefined, { type: 'All', dateTo: '2000-01-01T00:00:00Z' })
    assert.deepEqual(await availability([sms]), ['Alive'])
    await alice.delete(STORE, undefined, {
      type: 'SMS',
      conversationId: String((await record(alice, sms)).conversationId),
    })
    assert.deepEqual(await availability([sms]), ['Deleted'])
  })

  test('deleting by filter moves to Deleted, not further; purge=true purges and frees the bytes', async () => {
    const bytes = fakeFile('wav', 3000)
    const { id, conversationId } = await conversation()
    const [vm] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', bytes }],
      creationTime: '2021-06-01T00:00:00Z',
    })
    await alice.delete(STORE, undefined, { conversationId: String(conversationId) })
    await alice.delete(STORE, undefined, { conversationId: String(conversationId) })
    assert.deepEqual(await availability([id]), ['Deleted'], 'a second delete by filter does not purge')

    await alice.delete(STORE, undefined, { conversationId: String(conversationId), purge: true })
    assert.deepEqual(await availability([id]), ['Purged'])

    assert.ok(await blobKept(server, bytes))
    await alice.delete(STORE, undefined, { type: 'VoiceMail', dateTo: '2021-06-02T00:00:00Z', purge: 'true' })
    const purged = await record(alice, vm!)
    assert.equal(purged.availability, 'Purged')
    await pastBlobGrace(server)
    assert.ok(!(await blobKept(server, bytes)))
    assert.equal((await failure(alice.get(purged.attachments[0].uri))).status, 404)
  })

  test('invalid filters are 400s that name the parameter', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'Email' }, 'type'],
      [{ conversationId: 'abc' }, 'conversationId'],
      [{ dateTo: 'yesterday' }, 'dateTo'],
      [{ purge: 'yes' }, 'purge'],
    ]
    const listing = await (await alice.get(STORE)).json()
    for (const [query, name] of cases) {
      const { status, body } = await failure(alice.delete(STORE, undefined, query))
      assert.equal(status, 400)
      assert.equal(body.errorCode, 'CMN-101')
      assert.equal(body.errors[0].parameterName, name)
    }
    assert.deepEqual((await (await alice.get(STORE)).json()).records, listing.records)
  })

  test('without a filter the whole mailbox is emptied (to Deleted), and only that mailbox', async () => {
    const fresh = await smsTo(server, ALICE.username)
    const before = await everything(alice)
    assert.ok([...before.values()].some((r) => r.availability === 'Alive'))
    const res = await alice.delete(STORE)
    assert.equal(res.status, 204)
    const listed = await (await alice.get(STORE, { dateFrom: '2000-01-01T00:00:00Z' })).json()
    assert.deepEqual(listed.records, [], 'nothing Alive is left')
    const after = await everything(alice)
    assert.equal(after.size, before.size, 'nothing is removed')
    for (const [id, was] of before) {
      const now = after.get(id)
      assert.equal(
        now.availability,
        was.availability === 'Alive' ? 'Deleted' : was.availability,
        `message ${id}`,
      )
    }
    assert.equal(after.get(fresh).availability, 'Deleted')
  })
})
