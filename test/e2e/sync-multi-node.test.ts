import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { ALICE, deliver, failure, login, type Platform, STORE } from '../helpers/changes.js'
import { databaseFor, type RunningServer, STANDARD_FILE, startServer, tempDir } from '../helpers/server.js'
import { advance, clockNow, fsync, LocalCopy } from '../helpers/sync.js'

const onPostgres = Boolean(process.env.MSGSTORE_TEST_DATABASE_URL)
const SWEEPS = ['lifecycle.purge-sweep', 'retention.sweep']

/**
 * The sweeps on several nodes sharing one PostgreSQL database: started together, they
 * create each sweep once; each purge and removal happens once, whichever node's clock
 * call or poll runs it; a client syncing through another node sees each removal.
 */
describe('sweeps on several nodes', { skip: onPostgres ? false : 'runs on PostgreSQL only' }, () => {
  const nodes: RunningServer[] = []
  let database: string
  let client: pg.Client

  before(async () => {
    database = (await databaseFor(tempDir()))!
    // The first node creates the schema; the others start together, racing for the sweeps.
    nodes.push(await startServer({ args: ['--database', database, '--clock', 'manual'] }))
    nodes.push(
      ...(await Promise.all(
        [1, 2].map(() => startServer({ args: ['--database', database, '--clock', 'manual'] })),
      )),
    )
    assert.equal((await nodes[0]!.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
    client = new pg.Client({ connectionString: database })
    await client.connect()
  })

  after(async () => {
    await client?.end()
    await Promise.all(nodes.map((n) => n.stop()))
  })

  async function sweepRows(): Promise<Record<string, number>> {
    const res = await client.query(
      'select name, count(*)::int as n from jobs where name = any($1) group by name',
      [SWEEPS],
    )
    return Object.fromEntries(res.rows.map((r) => [r.name, r.n]))
  }

  test('each sweep exists exactly once, however many nodes started', async () => {
    assert.deepEqual(await sweepRows(), Object.fromEntries(SWEEPS.map((s) => [s, 1])))
  })

  test('purges and removals happen once, and a client syncing through another node sees each', async () => {
    const platforms: Platform[] = []
    for (const node of nodes) platforms.push((await login(node, ALICE)).platform)
    const ids: number[] = []
    for (let i = 0; i < 12; i++) {
      const [id] = await deliver(nodes[i % 3]!, { type: 'SMS', to: [ALICE.username], text: `m${i}` })
      ids.push(id!)
    }
    const since = new Date((await clockNow(nodes[0]!)) - 7 * 24 * 3600_000).toISOString()
    const copy = new LocalCopy()
    copy.full(await fsync(platforms[2]!, { dateFrom: since }))
    for (const [i, id] of ids.entries()) await platforms[i % 3]!.delete(`${STORE}/${id}`)
    await copy.refresh(platforms[2]!)

    await advance(nodes[0]!, 'P5D')
    await advance(nodes[1]!, 'PT1M')
    const again: Platform[] = []
    for (const node of nodes) again.push((await login(node, ALICE)).platform)
    for (const [i, id] of ids.entries()) {
      assert.equal((await (await again[i % 3]!.get(`${STORE}/${id}`)).json()).availability, 'Purged')
    }
    await advance(nodes[2]!, 'P5D')
    await advance(nodes[0]!, 'PT1M')
    for (const node of nodes) again.push((await login(node, ALICE)).platform)
    for (const id of ids) assert.equal((await failure(again[3]!.get(`${STORE}/${id}`))).status, 404)

    // One tombstone per message, and the client hears of each removal once.
    const tombstones = await client.query(
      'select message_id from message_tombstones where message_id = any($1)',
      [ids],
    )
    assert.equal(tombstones.rowCount, ids.length)
    const answer = await copy.refresh(again[4]!)
    const reported = answer.records.map((r) => r.id).sort((a, b) => a - b)
    assert.deepEqual(
      reported,
      [...ids].sort((a, b) => a - b),
    )
    assert.deepEqual(await sweepRows(), Object.fromEntries(SWEEPS.map((s) => [s, 1])))
  })
})
