import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, login, type Platform } from '../helpers/sdk.js'
import { type RunningServer, STANDARD_FILE, startServer, tempDir } from '../helpers/server.js'

/**
 * Three msgstore processes on one store behave as one store: on PostgreSQL, three nodes
 * of one database; on SQLite, three processes on one data folder started with
 * `--shared-store` (docs/processes.md). Requests are spread over the three ports (as a
 * load balancer would): sends, deletes and syncs land on different processes, while
 * the manual clock, moved through one, drives delivery on all.
 */
const MAILBOX = '/restapi/v1.0/account/~/extension/~/message-store'
const OUTSIDE = (i: number) => `+1415555${String(2000 + i).padStart(4, '0')}`

interface SyncRecord {
  id: number
  availability: string
  readStatus?: string
  messageStatus?: string
}

describe('several nodes on one database', () => {
  const nodes: RunningServer[] = []
  let alice: Platform[] = []
  let bob: Platform

  before(async () => {
    // One data folder: on PostgreSQL it names the one database (test/helpers/server.ts).
    const dataDir = tempDir()
    for (let i = 0; i < 3; i++) {
      nodes.push(await startServer({ dataDir, args: ['--shared-store', '--clock', 'manual'] }))
    }
    const res = await nodes[0]!.admin('POST', '/admin/v1/provision', STANDARD_FILE)
    assert.equal(res.status, 200)
    // One login, used on every node: a token issued by one node works on all.
    const first = await login(nodes[1]!.baseUrl, ALICE)
    const token = (await first.auth().data()).access_token!
    alice = await Promise.all(
      nodes.map(async (node) => {
        const platform = await login(node.baseUrl, ALICE)
        await platform.auth().setData({ ...(await first.auth().data()), access_token: token })
        return platform
      }),
    )
    bob = await login(nodes[2]!.baseUrl, BOB)
  })

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
  })

  const node = (i: number) => alice[i % 3]!

  async function everything(platform: Platform): Promise<any[]> {
    const res = await platform.get(MAILBOX, {
      availability: ['Alive', 'Deleted', 'Purged'],
      dateFrom: '2000-01-01T00:00:00Z',
      perPage: 1000,
    })
    return (await res.json()).records
  }

  test('no message is lost or duplicated, each is delivered once, and sync reconstructs the mailbox', async () => {
    // The sync client's first full sync, on node 0.
    const full = await (
      await node(0).get('/restapi/v1.0/account/~/extension/~/message-sync', { syncType: 'FSync' })
    ).json()
    const local = new Map<number, SyncRecord>()
    for (const r of full.records as SyncRecord[]) local.set(r.id, r)
    let syncToken: string = full.syncInfo.syncToken

    const inboundIds: number[] = []
    const sentOutside: number[] = []
    const sentInside: number[] = []
    const work: Promise<unknown>[] = []
    for (let i = 0; i < 30; i++) {
      work.push(
        nodes[i % 3]!.admin('POST', '/admin/v1/accounts/1001/inbound', {
          type: 'SMS',
          from: OUTSIDE(i),
          to: ['+16505550101'],
          text: `inbound ${i}`,
        }).then((res) => {
          assert.equal(res.status, 201)
          inboundIds.push(res.body.messages[0].id)
        }),
      )
      work.push(
        node(i + 1)
          .post('/restapi/v1.0/account/~/extension/~/sms', {
            from: { phoneNumber: '+16505550101' },
            to: [{ phoneNumber: OUTSIDE(i) }],
            text: `out ${i}`,
          })
          .then(async (res) => sentOutside.push((await res.json()).id)),
      )
      if (i % 2 === 0) {
        work.push(
          node(i + 2)
            .post('/restapi/v1.0/account/~/extension/~/sms', {
              from: { phoneNumber: '+16505550101' },
              to: [{ phoneNumber: '+16505550102' }],
              text: `to bob ${i}`,
            })
            .then(async (res) => sentInside.push((await res.json()).id)),
        )
      }
      // A sync while writes are in flight, on a rotating node.
      if (i % 5 === 4) {
        work.push(
          node(i)
            .get('/restapi/v1.0/account/~/extension/~/message-sync', { syncType: 'ISync', syncToken })
            .then(async (res) => {
              const body = await res.json()
              for (const r of body.records as SyncRecord[]) local.set(r.id, r)
              syncToken = body.syncInfo.syncToken
            }),
        )
        await Promise.all(work.splice(0))
      }
    }
    await Promise.all(work)

    // Deletes spread over the nodes: a third of the inbound messages, one twice (purged).
    const toDelete = inboundIds.slice(0, 10)
    await Promise.all(toDelete.map((id, i) => node(i).delete(`${MAILBOX}/${id}`)))
    await node(1).delete(`${MAILBOX}/${toDelete[0]}`)

    // The clock moves through node 2; delivery jobs may run on any node.
    const moved = await nodes[2]!.admin('POST', '/admin/v1/clock', { advance: 'PT10M' })
    assert.equal(moved.status, 200)

    const records = await everything(node(0))
    const ids = records.map((r) => r.id)
    assert.equal(new Set(ids).size, ids.length, 'no id twice')
    assert.equal(records.length, 30 + 30 + 15)
    for (const id of [...inboundIds, ...sentOutside, ...sentInside])
      assert.ok(ids.includes(id), `message ${id} is there`)
    const byId = new Map(records.map((r) => [r.id, r]))
    for (const id of sentOutside) {
      const r = byId.get(id)!
      assert.equal(r.messageStatus, 'Delivered', `outbound ${id}`)
      assert.equal(r.smsSendingAttemptsCount, 1, `outbound ${id} sent once`)
    }
    assert.equal(byId.get(toDelete[0]!)!.availability, 'Purged')
    for (const id of toDelete.slice(1)) assert.equal(byId.get(id)!.availability, 'Deleted')

    // Bob received each internal SMS exactly once.
    const bobs = (await everything(bob)).filter((r) => r.direction === 'Inbound')
    assert.equal(bobs.length, 15)
    assert.equal(new Set(bobs.map((r) => r.subject)).size, 15)

    // The sync client catches up on yet another node and must equal the server.
    const last = await (
      await node(2).get('/restapi/v1.0/account/~/extension/~/message-sync', { syncType: 'ISync', syncToken })
    ).json()
    for (const r of last.records as SyncRecord[]) local.set(r.id, r)
    for (const r of records) {
      const mine = local.get(r.id)
      assert.ok(mine, `sync client has ${r.id}`)
      assert.equal(mine.availability, r.availability, `availability of ${r.id}`)
      if (r.availability === 'Alive') assert.equal(mine.messageStatus, r.messageStatus, `status of ${r.id}`)
    }
    assert.equal([...local.values()].length, records.length)
  })
})
