import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { openDatabase } from '../../src/storage/database.js'
import { CLASSIFIED_TABLES } from '../../src/test-controls/reset-tables.js'
import {
  ALICE,
  BOB,
  deliverOne,
  login,
  MESSAGE_STORE,
  OLGA,
  type Platform,
  sdkError,
  startProvisioned,
} from '../helpers/sdk.js'
import { databaseFor, type RunningServer, STANDARD_FILE, tempDir } from '../helpers/server.js'
import { fsync, isync } from '../helpers/sync.js'

const OUTSIDE = '+14155550123'
const WAV = Buffer.from('RIFF-not-really-a-wav-but-bytes').toString('base64')

async function listIds(platform: Platform): Promise<number[]> {
  const res = await platform.get(MESSAGE_STORE, { dateFrom: '2000-01-01T00:00:00Z', perPage: 1000 })
  return ((await res.json()).records as { id: number }[]).map((r) => r.id)
}

describe('every table of the schema is cleared or kept on purpose by a reset', () => {
  test('the live schema holds no table the reset does not know', async () => {
    const dir = tempDir()
    const url = (await databaseFor(dir)) ?? `sqlite:${dir}/msgstore.db`
    const database = await openDatabase(url)
    try {
      const tables = url.startsWith('sqlite:')
        ? await sql<{
            name: string
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
            database.db,
          )
        : await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(database.db)
      const names = tables.rows.map((r) => r.name).sort()
      assert.ok(names.includes('messages') && names.includes('fault_rules'), names.join(','))
      const unknown = names.filter((n) => !CLASSIFIED_TABLES.includes(n))
      assert.deepEqual(unknown, [], 'tables neither cleared nor kept by src/test-controls/reset-tables.ts')
      assert.equal(new Set(CLASSIFIED_TABLES).size, CLASSIFIED_TABLES.length, 'a table is listed twice')
    } finally {
      await database.close()
    }
  })
})

describe('reset', () => {
  let server: RunningServer
  let alice: Platform
  let olga: Platform

  before(async () => {
    server = await startProvisioned()
    alice = await login(server.baseUrl, ALICE)
    olga = await login(server.baseUrl, OLGA)
  })
  after(() => server.stop())

  test('keep accounts: mailboxes, faults and journal emptied; logins and sessions survive', async () => {
    await deliverOne(server, {
      type: 'VoiceMail',
      from: OUTSIDE,
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', fileName: 'vm.wav', base64: WAV }],
    })
    await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [OLGA.username], text: 'hi' }, '2001')
    const sent = await (
      await alice.post('/restapi/v1.0/account/~/extension/~/sms', {
        from: { phoneNumber: ALICE.username },
        to: [{ phoneNumber: BOB.username }],
        text: 'to bob',
      })
    ).json()
    assert.ok(sent.id)
    const token = (await fsync(alice)).syncInfo.syncToken
    assert.equal(
      (await server.admin('POST', '/admin/v1/faults', { path: '/nothing/here', status: 503 })).status,
      201,
    )
    assert.ok((await listIds(alice)).length >= 2)

    const res = await server.admin('POST', '/admin/v1/reset', {})
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(typeof res.body.reset, 'string')

    // The same platforms (sessions kept) read empty mailboxes.
    assert.deepEqual(await listIds(alice), [])
    assert.deepEqual(await listIds(olga), [])
    assert.deepEqual((await server.admin('GET', '/admin/v1/messages')).body.records, [])
    assert.deepEqual((await server.admin('GET', '/admin/v1/faults')).body.faults, [])
    const journal = (await server.admin('GET', '/admin/v1/requests')).body.requests as { path: string }[]
    assert.ok(
      journal.every((r) => !r.path.endsWith('/sms')),
      'the journal was emptied',
    )
    // A sync token of before the reset is refused; FSync starts again.
    const refused = await sdkError(isync(alice, token))
    assert.equal(refused.status, 400)
    assert.equal(refused.body.errors[0].parameterName, 'syncToken')
    assert.deepEqual((await fsync(alice)).records, [])
    // New messages take ids after the old ones and land as before.
    const id = await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'after' })
    assert.deepEqual(await listIds(alice), [id])
  })

  test('one account: only its mailboxes and its requests in the journal are emptied', async () => {
    const mine = await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'a' })
    const theirs = await deliverOne(
      server,
      { type: 'SMS', from: OUTSIDE, to: [OLGA.username], text: 'o' },
      '2001',
    )
    await listIds(alice)
    await listIds(olga)
    const journaled = async () =>
      new Set(
        (
          (await server.admin('GET', '/admin/v1/requests')).body.requests as { accountId: string | null }[]
        ).map((r) => r.accountId),
      )
    assert.ok((await journaled()).has('2001'), "the journal holds the account's requests before")
    const res = await server.admin('POST', '/admin/v1/accounts/2001/reset', {})
    assert.equal(res.status, 200, JSON.stringify(res.body))
    const kept = await journaled()
    assert.ok(!kept.has('2001'), "the reset account's requests are forgotten")
    assert.ok(kept.has('1001'), "the other account's requests are kept")
    assert.ok((await listIds(alice)).includes(mine))
    assert.ok(!(await listIds(olga)).includes(theirs))
    assert.equal((await server.admin('POST', '/admin/v1/accounts/999/reset', {})).status, 404)
  })

  test('keep nothing: accounts, apps and sessions are gone', async () => {
    assert.equal((await server.admin('POST', '/admin/v1/reset', { keep: 'bogus' })).status, 400)
    const res = await server.admin('POST', '/admin/v1/reset', { keep: 'nothing' })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    const refused = await sdkError(alice.get(MESSAGE_STORE))
    assert.equal(refused.status, 401)
    // Provisioning again brings the same logins back.
    assert.equal((await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
    alice = await login(server.baseUrl, ALICE)
    assert.deepEqual(await listIds(alice), [])
  })
})

describe('reset with a provisioning file', () => {
  test('keep nothing applies the --provision file again', async () => {
    const dir = tempDir()
    const file = `${dir}/provision.json`
    await import('node:fs').then((fs) => fs.writeFileSync(file, JSON.stringify(STANDARD_FILE)))
    const { startServer } = await import('../helpers/server.js')
    const server = await startServer({ dataDir: dir, args: ['--provision', file] })
    try {
      await deliverOne(server, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text: 'x' })
      assert.equal((await server.admin('POST', '/admin/v1/reset', { keep: 'nothing' })).status, 200)
      const alice = await login(server.baseUrl, ALICE)
      assert.deepEqual(await listIds(alice), [])
    } finally {
      await server.stop()
    }
  })
})

describe('reset while 32 clients read and write', () => {
  test('no request fails with a 5xx and the store is consistent after', { timeout: 180_000 }, async () => {
    const server = await startProvisioned({ env: { MSGSTORE_LOG_LEVEL: 'error' } })
    try {
      const users = [ALICE, BOB]
      const platforms = await Promise.all(users.map((u) => login(server.baseUrl, u)))
      let stop = false
      const statuses = new Map<number, number>()
      const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)
      const client = async (i: number) => {
        const platform = platforms[i % 2]!
        const other = users[(i + 1) % 2]!
        while (!stop) {
          try {
            if (i % 4 === 0) {
              await platform.post('/restapi/v1.0/account/~/extension/~/sms', {
                from: { phoneNumber: users[i % 2]!.username },
                to: [{ phoneNumber: other.username }],
                text: `from client ${i}`,
              })
            } else if (i % 4 === 1) {
              const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
                type: 'SMS',
                from: OUTSIDE,
                to: [users[i % 2]!.username],
                text: `inbound ${i}`,
              })
              count(res.status)
              continue
            } else if (i % 4 === 2) {
              await platform.get('/restapi/v1.0/account/~/extension/~/message-sync', { syncType: 'FSync' })
            } else {
              await platform.get(MESSAGE_STORE, { dateFrom: '2000-01-01T00:00:00Z' })
            }
            count(200)
          } catch (e) {
            const status = (e as { response?: Response | null }).response?.status
            // A connection the loaded machine could not open is counted apart (0), not a server answer.
            count(status ?? 0)
          }
        }
      }
      const clients = Array.from({ length: 32 }, (_, i) => client(i))
      // Resets while the clients run, of the whole store and of the account.
      for (let round = 0; round < 6; round++) {
        await new Promise((resolve) => setTimeout(resolve, 150))
        const res = await server.admin(
          'POST',
          round % 2 ? '/admin/v1/accounts/1001/reset' : '/admin/v1/reset',
          {},
        )
        assert.equal(res.status, 200, `${JSON.stringify(res.body)}\n${server.output()}`)
      }
      stop = true
      await Promise.all(clients)
      const failures = [...statuses].filter(([status]) => status >= 500)
      assert.deepEqual(failures, [], `statuses: ${JSON.stringify([...statuses])}\n${server.output()}`)
      assert.equal(server.process.exitCode, null, server.output())
      assert.ok((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) > 32, JSON.stringify([...statuses]))

      // After a last reset the store is empty and takes new messages normally.
      assert.equal((await server.admin('POST', '/admin/v1/reset', {})).status, 200)
      for (const platform of platforms) assert.deepEqual(await listIds(platform), [])
      assert.deepEqual((await server.admin('GET', '/admin/v1/messages')).body.records, [])
      const sent = await (
        await platforms[0]!.post('/restapi/v1.0/account/~/extension/~/sms', {
          from: { phoneNumber: ALICE.username },
          to: [{ phoneNumber: BOB.username }],
          text: 'after',
        })
      ).json()
      const all = (await server.admin('GET', '/admin/v1/messages?accountId=1001')).body.records as any[]
      assert.deepEqual(all.map((r) => r.extensionId).sort(), [ALICE.id, BOB.id])
      assert.ok(all.some((r) => r.id === sent.id))
      assert.ok((await listIds(platforms[1]!)).length === 1)
    } finally {
      await server.stop()
    }
  })
})
