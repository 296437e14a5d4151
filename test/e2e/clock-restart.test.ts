import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { ALICE, login, MESSAGE_STORE } from '../helpers/sdk.js'
import { type RunningServer, STANDARD_FILE, startServer, tempDir } from '../helpers/server.js'

/**
 * The manual clock never goes backwards, across a restart too: it is kept in the store
 * (on SQLite as on PostgreSQL), so messages written after the restart are dated after
 * those written before it.
 */
const DAY = 86_400_000
const servers: RunningServer[] = []

after(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

async function start(dataDir: string): Promise<RunningServer> {
  const server = await startServer({ dataDir, args: ['--clock', 'manual'] })
  servers.push(server)
  return server
}

function inbound(server: RunningServer, text: string) {
  return server.admin('POST', '/admin/v1/accounts/1001/inbound', {
    type: 'SMS',
    from: '+14155550123',
    to: [ALICE.username],
    text,
  })
}

test('advance 30 days, restart: the clock is still 30 days ahead and later messages are dated after', async () => {
  const dataDir = tempDir()
  const first = await start(dataDir)
  assert.equal((await first.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
  const advanced = await first.admin('POST', '/admin/v1/clock', { advance: 'P30D' })
  assert.equal(advanced.status, 200)
  const before = Date.parse(advanced.body.now)
  assert.ok(before >= Date.now() + 29 * DAY)
  const early = await inbound(first, 'before the restart')
  assert.equal(early.status, 201)
  assert.equal(await first.stop(), 0)

  const second = await start(dataDir)
  const clock = await second.admin('GET', '/admin/v1/clock')
  assert.equal(clock.body.mode, 'manual')
  assert.ok(Date.parse(clock.body.now) >= before, `${clock.body.now} is before ${advanced.body.now}`)
  const late = await inbound(second, 'after the restart')
  assert.equal(late.status, 201)

  // Both messages are in the default listing window (a day before the clock's now), newest first.
  const alice = await login(second.baseUrl, ALICE)
  const records = (await (await alice.get(MESSAGE_STORE)).json()).records as {
    subject: string
    creationTime: string
  }[]
  assert.deepEqual(
    records.map((r) => r.subject),
    ['after the restart', 'before the restart'],
  )
  assert.ok(Date.parse(records[0]!.creationTime) >= Date.parse(records[1]!.creationTime))
})
