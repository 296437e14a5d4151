import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { SDK } from '@ringcentral/sdk'
import {
  ALICE,
  BOB,
  everything,
  failure,
  login,
  MULTIPART_JSON,
  mixedBody,
  type Platform,
  record,
  STORE,
  sendRaw,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

describe('bulk writes: ids in the path or in the body, multipart/mixed and multipart+json', () => {
  let server: RunningServer
  let sdk: SDK
  let alice: Platform
  let bob: Platform
  let bobsMessage: number
  let bobBefore: Map<number, any>

  before(async () => {
    server = await startStandard()
    ;({ sdk, platform: alice } = await login(server, ALICE))
    bob = (await login(server, BOB)).platform
    bobsMessage = await smsTo(server, BOB.username, 'Bob keeps this one')
    bobBefore = await everything(bob)
  })

  after(async () => {
    // Bob's id appeared in several of Alice's bulk calls: it stayed untouched.
    assert.deepEqual(await everything(bob), bobBefore)
    await server.stop()
  })

  async function messages(n: number): Promise<number[]> {
    const ids: number[] = []
    for (let i = 0; i < n; i++) ids.push(await smsTo(server, ALICE.username))
    return ids
  }

  async function statuses(ids: number[]): Promise<string[]> {
    return Promise.all(ids.map(async (id) => (await record(alice, id)).readStatus))
  }

  test('PUT with ids in the path and a multipart/mixed body answers 207 multipart/mixed, read by the SDK', async () => {
    const ids = await messages(3)
    const { contentType, body } = mixedBody([
      { readStatus: 'Read' },
      { readStatus: 'Unread' },
      { readStatus: 'Read' },
    ])
    const res = await sendRaw(alice, 'PUT', `${STORE}/${ids.join(',')}`, body, {
      'Content-Type': contentType,
    })
    assert.equal(res.status, 207)
    assert.match(res.headers.get('content-type')!, /^multipart\/mixed; boundary=/)
    const parts = await sdk.multipart(res)
    assert.equal(parts.length, 3)
    const records = await Promise.all(parts.map((p) => p.json()))
    assert.deepEqual(
      parts.map((p) => p.status),
      [200, 200, 200],
    )
    assert.deepEqual(
      records.map((r) => [r.id, r.readStatus]),
      [
        [ids[0], 'Read'],
        [ids[1], 'Unread'],
        [ids[2], 'Read'],
      ],
    )
    assert.deepEqual(await statuses(ids), ['Read', 'Unread', 'Read'])
    for (const r of records) assert.deepEqual(await record(alice, r.id), r)
  })

  test('PUT with ids in the path and a multipart+json body answers 207 multipart+json', async () => {
    const ids = await messages(2)
    const res = await sendRaw(
      alice,
      'PUT',
      `${STORE}/${ids.join(',')}`,
      JSON.stringify([{ body: { readStatus: 'Read' } }, { body: { readStatus: 'Read' } }]),
      { 'Content-Type': MULTIPART_JSON },
    )
    assert.equal(res.status, 207)
    assert.equal(res.headers.get('content-type'), MULTIPART_JSON)
    const items = await res.json()
    assert.deepEqual(
      items.map((i: any) => [i.resourceId, i.status, i.body.readStatus]),
      ids.map((id) => [String(id), 200, 'Read']),
    )
    assert.deepEqual(await statuses(ids), ['Read', 'Read'])
  })

  test('PUT with * in the path takes the ids from resourceId entries', async () => {
    const ids = await messages(3)
    const res = await sendRaw(
      alice,
      'PUT',
      `${STORE}/*`,
      JSON.stringify(ids.map((id) => ({ resourceId: String(id), body: { readStatus: 'Read' } }))),
      { 'Content-Type': MULTIPART_JSON },
    )
    assert.equal(res.status, 207)
    const items = await res.json()
    assert.deepEqual(
      items.map((i: any) => [i.resourceId, i.status]),
      ids.map((id) => [String(id), 200]),
    )
    assert.deepEqual(await statuses(ids), ['Read', 'Read', 'Read'])
  })

  test('PATCH in every bulk form: mixed, multipart+json, and * with resourceId', async () => {
    const ids = await messages(6)
    for (const id of ids) await alice.delete(`${STORE}/${id}`)

    const mixed = mixedBody([{ availability: 'Alive' }, { availability: 'Alive', readStatus: 'Read' }])
    const a = await sendRaw(alice, 'PATCH', `${STORE}/${ids[0]},${ids[1]}`, mixed.body, {
      'Content-Type': mixed.contentType,
    })
    assert.equal(a.status, 207)
    assert.deepEqual(
      (await sdk.multipart(a)).map((p) => p.status),
      [200, 200],
    )

    const b = await sendRaw(
      alice,
      'PATCH',
      `${STORE}/${ids[2]},${ids[3]}`,
      JSON.stringify([{ body: { availability: 'Alive' } }, { body: { readStatus: 'Read' } }]),
      { 'Content-Type': MULTIPART_JSON },
    )
    assert.equal(b.status, 207)
    assert.deepEqual(
      (await b.json()).map((i: any) => i.status),
      [200, 200],
    )

    const c = await sendRaw(
      alice,
      'PATCH',
      `${STORE}/*`,
      JSON.stringify([
        { resourceId: String(ids[4]), body: { availability: 'Alive' } },
        { resourceId: String(ids[5]), body: { availability: 'Alive', readStatus: 'Read' } },
      ]),
      { 'Content-Type': MULTIPART_JSON },
    )
    assert.equal(c.status, 207)

    const after = await Promise.all(ids.map((id) => record(alice, id)))
    assert.deepEqual(
      after.map((r) => [r.availability, r.readStatus]),
      [
        ['Alive', 'Unread'],
        ['Alive', 'Read'],
        ['Alive', 'Unread'],
        ['Deleted', 'Read'],
        ['Alive', 'Unread'],
        ['Alive', 'Read'],
      ],
    )
  })

  test('several ids with one JSON body apply it to each', async () => {
    const ids = await messages(2)
    const res = await alice.put(`${STORE}/${ids.join(',')}`, { readStatus: 'Read' })
    assert.equal(res.status, 207)
    assert.deepEqual(
      (await sdk.multipart(res)).map((p) => p.status),
      [200, 200],
    )
    assert.deepEqual(await statuses(ids), ['Read', 'Read'])

    // That one body, when unusable, makes the whole request a 400 that names the field.
    const { status, body } = await failure(alice.put(`${STORE}/${ids.join(',')}`))
    assert.equal(status, 400)
    assert.equal(body.errors[0].parameterName, 'readStatus')
  })

  test('partial failures answer 207 with a status per item; the other items are applied', async () => {
    const ids = await messages(2)
    const mixed = mixedBody([
      { readStatus: 'Read' },
      { readStatus: 'Read' },
      { readStatus: 'Bogus' },
      { readStatus: 'Read' },
    ])
    const res = await sendRaw(
      alice,
      'PUT',
      `${STORE}/${ids[0]},999999999,${ids[1]},${bobsMessage}`,
      mixed.body,
      {
        'Content-Type': mixed.contentType,
        Accept: MULTIPART_JSON,
      },
    )
    assert.equal(res.status, 207)
    assert.equal(res.headers.get('content-type'), MULTIPART_JSON, 'Accept chooses the answer form')
    const items = await res.json()
    assert.deepEqual(
      items.map((i: any) => [i.resourceId, i.status, i.body.errorCode]),
      [
        [String(ids[0]), 200, undefined],
        ['999999999', 404, 'CMN-102'],
        [String(ids[1]), 400, 'CMN-101'],
        [String(bobsMessage), 404, 'CMN-102'],
      ],
    )
    assert.equal(items[2].body.errors[0].parameterName, 'readStatus')
    assert.deepEqual(await statuses(ids), ['Read', 'Unread'])

    // The same, answered as multipart/mixed, read by the SDK.
    const again = await sendRaw(
      alice,
      'PUT',
      `${STORE}/${ids[1]},999999999`,
      mixedBody([{ readStatus: 'Read' }, { readStatus: 'Read' }]).body,
      {
        'Content-Type': 'multipart/mixed; boundary=x',
      },
    ).catch((e) => e.response as Response)
    assert.equal(again.status, 400, 'a body whose boundary is not the declared one cannot be read')
  })

  test('a part that is not JSON fails alone', async () => {
    const [id] = await messages(1)
    const boundary = 'Boundary_bad_part'
    const body = `--${boundary}\r\nContent-Type: application/json\r\n\r\n{"readStatus":"Read"}\r\n--${boundary}\r\nContent-Type: application/json\r\n\r\n{oops\r\n--${boundary}--\r\n`
    const res = await sendRaw(alice, 'PUT', `${STORE}/${id},${id}`, body, {
      'Content-Type': `multipart/mixed; boundary=${boundary}`,
    })
    const parts = await sdk.multipart(res)
    assert.deepEqual(
      parts.map((p) => p.status),
      [200, 400],
    )
    assert.equal((await parts[1]!.json()).errorCode, 'CMN-103')
  })

  test('bulk DELETE answers 204 when every id succeeded, 207 with a status per id otherwise', async () => {
    const ids = await messages(4)
    const all = await alice.delete(`${STORE}/${ids[0]},${ids[1]}`)
    assert.equal(all.status, 204)
    assert.deepEqual(
      await Promise.all([ids[0]!, ids[1]!].map(async (id) => (await record(alice, id)).availability)),
      ['Deleted', 'Deleted'],
    )

    const some = await alice.delete(`${STORE}/${ids[2]},999999999,${bobsMessage}`, undefined, undefined, {
      headers: { Accept: MULTIPART_JSON },
    })
    assert.equal(some.status, 207)
    assert.deepEqual(
      (await some.json()).map((i: any) => [i.resourceId, i.status]),
      [
        [String(ids[2]), 200],
        ['999999999', 404],
        [String(bobsMessage), 404],
      ],
    )
    assert.equal((await record(alice, ids[2]!)).availability, 'Deleted')

    const mixed = await alice.delete(`${STORE}/${ids[3]},abc`)
    assert.equal(mixed.status, 207)
    assert.deepEqual(
      (await sdk.multipart(mixed)).map((p) => p.status),
      [200, 404],
    )

    // An id named twice is deleted once, not purged.
    const [twice] = await messages(1)
    assert.equal((await alice.delete(`${STORE}/${twice},${twice}`)).status, 204)
    assert.equal((await record(alice, twice!)).availability, 'Deleted')
  })

  test('bulk DELETE with * takes the ids from the body, with purge', async () => {
    const ids = await messages(3)
    const res = await sendRaw(alice, 'DELETE', `${STORE}/*`, JSON.stringify(ids.map(String)), {
      'Content-Type': 'application/json',
    })
    assert.equal(res.status, 204)
    assert.deepEqual(await Promise.all(ids.map(async (id) => (await record(alice, id)).availability)), [
      'Deleted',
      'Deleted',
      'Deleted',
    ])
    const purged = await sendRaw(
      alice,
      'DELETE',
      `${STORE}/*?purge=true`,
      JSON.stringify(ids.map((id) => ({ resourceId: String(id) }))),
      { 'Content-Type': MULTIPART_JSON },
    )
    assert.equal(purged.status, 204)
    assert.equal((await record(alice, ids[0]!)).availability, 'Purged')

    // The SDK's own call with an array body (sent as "1,2").
    const more = await messages(2)
    assert.equal((await alice.delete(`${STORE}/*`, more)).status, 204)
    assert.equal((await record(alice, more[1]!)).availability, 'Deleted')

    const partial = await sendRaw(alice, 'DELETE', `${STORE}/*`, JSON.stringify([String(bobsMessage)]), {
      'Content-Type': 'application/json',
    })
    assert.equal(partial.status, 207)
    assert.deepEqual(
      (await partial.json()).map((i: any) => i.status),
      [404],
    )
  })

  test('limits: more than 50 ids in the path, or 1000 in the body, is a 400 CMN-106', async () => {
    const [id] = await messages(1)
    const many = Array.from({ length: 51 }, () => id).join(',')
    const calls: (() => Promise<unknown>)[] = [
      () => alice.put(`${STORE}/${many}`, { readStatus: 'Read' }),
      () => alice.patch(`${STORE}/${many}`, { readStatus: 'Read' }),
      () => alice.delete(`${STORE}/${many}`),
      () =>
        sendRaw(
          alice,
          'PUT',
          `${STORE}/*`,
          JSON.stringify(
            Array.from({ length: 1001 }, () => ({ resourceId: String(id), body: { readStatus: 'Read' } })),
          ),
          { 'Content-Type': MULTIPART_JSON },
        ),
    ]
    for (const call of calls) {
      const { status, body } = await failure(call())
      assert.equal(status, 400)
      assert.equal(body.errorCode, 'CMN-106')
    }
    assert.equal((await record(alice, id!)).availability, 'Alive')
    assert.equal((await record(alice, id!)).readStatus, 'Unread')

    // Exactly 50 ids is fine.
    const fifty = Array.from({ length: 50 }, () => id).join(',')
    assert.equal((await alice.put(`${STORE}/${fifty}`, { readStatus: 'Read' })).status, 207)
  })

  test('malformed bulk requests are 400s and change nothing', async () => {
    const ids = await messages(2)
    const path = `${STORE}/${ids.join(',')}`
    const onePart = mixedBody([{ readStatus: 'Read' }])
    const cases: [() => Promise<unknown>, string][] = [
      // Two ids, one part.
      [() => sendRaw(alice, 'PUT', path, onePart.body, { 'Content-Type': onePart.contentType }), 'CMN-101'],
      [
        () =>
          sendRaw(alice, 'PUT', path, JSON.stringify([{ body: { readStatus: 'Read' } }]), {
            'Content-Type': MULTIPART_JSON,
          }),
        'CMN-101',
      ],
      [
        () =>
          sendRaw(
            alice,
            'PUT',
            path,
            JSON.stringify([
              { resourceId: String(ids[1]), body: { readStatus: 'Read' } },
              { resourceId: String(ids[0]), body: { readStatus: 'Read' } },
            ]),
            { 'Content-Type': MULTIPART_JSON },
          ),
        'CMN-108',
      ],
      [
        () =>
          sendRaw(alice, 'PUT', `${STORE}/*`, JSON.stringify({ readStatus: 'Read' }), {
            'Content-Type': 'application/json',
          }),
        'CMN-101',
      ],
      [
        () =>
          sendRaw(alice, 'PUT', `${STORE}/*`, JSON.stringify([{ body: { readStatus: 'Read' } }]), {
            'Content-Type': MULTIPART_JSON,
          }),
        'CMN-101',
      ],
      [() => sendRaw(alice, 'DELETE', `${STORE}/*`, undefined, {}), 'CMN-101'],
      [
        () => sendRaw(alice, 'PUT', path, 'no boundary here', { 'Content-Type': 'multipart/mixed' }),
        'CMN-104',
      ],
      [() => sendRaw(alice, 'PUT', path, '[{"body":', { 'Content-Type': MULTIPART_JSON }), 'CMN-103'],
    ]
    for (const [call, code] of cases) {
      const { status, body } = await failure(call())
      assert.equal(status, 400, JSON.stringify(body))
      assert.equal(body.errorCode, code, JSON.stringify(body))
    }
    assert.deepEqual(await statuses(ids), ['Unread', 'Unread'])
  })
})
