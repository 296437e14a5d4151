import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { ALICE, login } from '../helpers/sdk.js'
import { databaseFor, type RunningServer, STANDARD_FILE, startServer, tempDir } from '../helpers/server.js'

/**
 * Provisioning is idempotent under concurrency: three nodes started at once with
 * `--provision` on an empty PostgreSQL database all start, and one new document sent
 * through all three at the same moment is applied once, every call answering 200 with
 * the same accounts and ids. Runs when the suite runs on PostgreSQL.
 */
const onPostgres = Boolean(process.env.MSGSTORE_TEST_DATABASE_URL)

/** A document the store has not seen: accounts without ids are matched by main number, so it is `n`-specific. */
function newDocument(n: number) {
  const main = `+1303555${String(1000 + n * 10).padStart(4, '0')}`
  return {
    accounts: [
      {
        name: `Round ${n} Ltd`,
        mainNumber: main,
        extensions: [
          {
            extensionNumber: '101',
            name: `Owner ${n}`,
            role: 'SuperAdmin',
            password: `owner-${n}-secret`,
            phoneNumbers: [`+1303555${String(1001 + n * 10).padStart(4, '0')}`],
          },
          { extensionNumber: '102', name: `Member ${n}`, password: `member-${n}-secret` },
          { extensionNumber: '300', name: 'Desk', type: 'Department', members: ['101', '102'] },
        ],
      },
      {
        id: String(5000 + n),
        name: `Fixed ${n}`,
        extensions: [{ id: String(85000 + n), extensionNumber: '101', name: 'Fixed' }],
      },
    ],
    apps: [{ clientId: `round-${n}-client`, clientSecret: 'round-secret', permissions: ['ReadMessages'] }],
  }
}

describe('provisioning across nodes', { skip: onPostgres ? false : 'runs on PostgreSQL only' }, () => {
  const nodes: RunningServer[] = []

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
  })

  test('three nodes started at once with --provision on an empty database all start', async () => {
    const dir = tempDir()
    const database = await databaseFor(dir)
    const file = path.join(dir, 'provision.json')
    fs.writeFileSync(file, JSON.stringify(STANDARD_FILE))
    const started = await Promise.allSettled(
      [0, 1, 2].map(() =>
        startServer({
          args: ['--database', database!, '--provision', file, '--clock', 'manual'],
          demo: true,
        }),
      ),
    )
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value)
    assert.deepEqual(
      started.map((s) => (s.status === 'rejected' ? String(s.reason).slice(0, 400) : 'started')),
      ['started', 'started', 'started'],
    )
    // One store: the file's accounts once, and a login works through every node.
    for (const node of nodes) await login(node.baseUrl, ALICE)
    const again = await nodes[0]!.admin('POST', '/admin/v1/provision', STANDARD_FILE)
    assert.equal(again.status, 200)
    assert.deepEqual(
      again.body.accounts.map((a: { id: string }) => a.id),
      ['1001', '2001'],
    )
  })

  test('one new document through all three nodes at once: every call 200, one result', async () => {
    assert.equal(nodes.length, 3)
    for (let round = 0; round < 4; round++) {
      const doc = newDocument(round)
      const answers = await Promise.all(
        [...nodes, ...nodes].map((node) => node.admin('POST', '/admin/v1/provision', doc)),
      )
      assert.deepEqual(
        answers.map((a) => a.status),
        answers.map(() => 200),
        JSON.stringify(answers.find((a) => a.status !== 200)?.body),
      )
      for (const a of answers) assert.deepEqual(a.body, answers[0]!.body)
      // Applied once: the account by main number exists once, with its three extensions.
      const created = answers[0]!.body.accounts[0]
      assert.match(created.id, /^\d+$/)
      assert.equal(created.extensions.length, 3)
    }
  })
})
