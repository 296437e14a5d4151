import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, deliverOne, login, OLGA, startProvisioned } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const OUTSIDE = '+14155550123'
let server: RunningServer
const ids: Record<string, number> = {}

before(async () => {
  server = await startProvisioned()
  ids.first = await deliverOne(server, {
    type: 'SMS',
    from: OUTSIDE,
    to: [ALICE.username],
    text: 'Your code is 1234',
    creationTime: '2026-01-01T10:00:00Z',
  })
  ids.voicemail = await deliverOne(server, {
    type: 'VoiceMail',
    from: '+14155550999',
    to: [BOB.username],
    creationTime: '2026-01-02T10:00:00Z',
  })
  ids.olga = await deliverOne(
    server,
    {
      type: 'SMS',
      from: OUTSIDE,
      to: [OLGA.username],
      text: 'other account 100% off',
      creationTime: '2026-01-03T10:00:00Z',
    },
    '2001',
  )
  const alice = await login(server.baseUrl, ALICE)
  const sent = await (
    await alice.post('/restapi/v1.0/account/~/extension/~/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'Sent by the app under test',
    })
  ).json()
  ids.sent = sent.id
})
after(() => server.stop())

async function search(query: string): Promise<any[]> {
  const res = await server.admin('GET', `/admin/v1/messages${query}`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.records
}

describe('GET /admin/v1/messages', () => {
  test('every mailbox of every account, newest first, each record as the REST API renders it plus its owner', async () => {
    const all = await search('')
    assert.deepEqual(
      all.map((r) => r.id),
      [ids.sent, ids.olga, ids.voicemail, ids.first],
    )
    const sent = all[0]
    assert.equal(sent.extensionId, ALICE.id)
    assert.equal(sent.direction, 'Outbound')
    assert.equal(sent.subject, 'Sent by the app under test')
    assert.equal(
      sent.uri,
      `${server.baseUrl}/restapi/v1.0/account/1001/extension/${ALICE.id}/message-store/${sent.id}`,
    )
    assert.equal(all[1].extensionId, OLGA.id)
  })

  test('filters: account, extension, type, direction, since, limit', async () => {
    assert.deepEqual(
      (await search('?accountId=2001')).map((r) => r.id),
      [ids.olga],
    )
    assert.deepEqual(
      (await search(`?extensionId=${BOB.id}`)).map((r) => r.id),
      [ids.voicemail],
    )
    assert.deepEqual(
      (await search('?type=VoiceMail')).map((r) => r.id),
      [ids.voicemail],
    )
    assert.deepEqual(
      (await search('?direction=Outbound')).map((r) => r.id),
      [ids.sent],
    )
    assert.deepEqual(
      (await search('?since=2026-01-02T00:00:00Z&accountId=1001&direction=Inbound')).map((r) => r.id),
      [ids.voicemail],
    )
    assert.equal((await search('?limit=2')).length, 2)
  })

  test('q searches text, subject and phone numbers, case-insensitively and literally', async () => {
    assert.deepEqual(
      (await search('?q=YOUR%20CODE')).map((r) => r.id),
      [ids.first],
    )
    assert.deepEqual(
      (await search(`?q=${encodeURIComponent('+14155550999')}`)).map((r) => r.id),
      [ids.voicemail],
    )
    assert.deepEqual(
      (await search('?q=4155550999')).map((r) => r.id),
      [ids.voicemail],
    )
    assert.deepEqual(
      (await search('?q=100%25')).map((r) => r.id),
      [ids.olga],
    )
    assert.deepEqual(await search('?q=nothing-like-this'), [])
  })

  test('bad parameters are a 400 naming them', async () => {
    for (const [query, name] of [
      ['?type=Letter', 'type'],
      ['?direction=Sideways', 'direction'],
      ['?since=yesterday', 'since'],
      ['?limit=0', 'limit'],
    ]) {
      const res = await server.admin('GET', `/admin/v1/messages${query}`)
      assert.equal(res.status, 400, query)
      assert.equal(res.body.errors[0].parameterName, name)
    }
  })
})
