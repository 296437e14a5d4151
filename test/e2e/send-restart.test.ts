import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, test } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import { ALICE, login, type Platform } from '../helpers/sdk.js'
import { advance, messages, post, startSendingServer } from '../helpers/sending.js'
import { type RunningServer, startServer } from '../helpers/server.js'

const COUNT = 100

/** One number of the store's database, read directly once the server is down (SQLite or PostgreSQL). */
async function scalar(dataDir: string, query: string): Promise<number> {
  const marker = path.join(dataDir, 'database-url')
  if (fs.existsSync(marker)) {
    const client = new pg.Client({ connectionString: fs.readFileSync(marker, 'utf8') })
    await client.connect()
    try {
      return Number(Object.values((await client.query(query)).rows[0])[0])
    } finally {
      await client.end()
    }
  }
  const db = new Database(path.join(dataDir, 'msgstore.db'), { readonly: true })
  try {
    return Number(Object.values(db.prepare(query).get() as object)[0])
  } finally {
    db.close()
  }
}

let server: RunningServer

after(async () => {
  await server?.stop()
})

const restart = (dataDir: string) => startServer({ dataDir, args: ['--clock', 'manual'] })

async function outbound(alice: Platform): Promise<any[]> {
  return messages(alice, { direction: 'Outbound', messageType: 'SMS' })
}

test('killed while 100 SMS are in flight, twice: each is delivered exactly once', async () => {
  server = await startSendingServer()
  const dataDir = server.dataDir
  // The manual clock restarts at the real time: run the first life an hour ahead, so
  // that after a restart no step is due until the test moves the clock.
  await advance(server, 'PT1H')
  let alice = await login(server.baseUrl, ALICE)
  const sent: number[] = []
  for (let batch = 0; batch < COUNT; batch += 10) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(alice, '/sms', {
          from: { phoneNumber: ALICE.username },
          to: [{ phoneNumber: `+1415555${String(1000 + batch + i)}` }],
          text: `in flight ${batch + i}`,
        }),
      ),
    )
    for (const a of answers) {
      assert.equal(a.messageStatus, 'Queued')
      sent.push(a.id)
    }
  }

  // First crash: every message accepted, none of its delivery steps run yet.
  await server.kill()
  server = await restart(dataDir)
  alice = await login(server.baseUrl, ALICE)
  assert.equal((await outbound(alice)).length, COUNT)

  // Second crash: in the middle of the delivery steps a clock move sets off (whenever
  // the kill lands, the outcome must be the same). On PostgreSQL a step runs in the
  // transaction that locks its job, so the killed process's steps are free again at once.
  {
    let moved = false
    const moving = server
      .admin('POST', '/admin/v1/clock', { advance: 'PT2H' })
      .catch(() => undefined)
      .finally(() => {
        moved = true
      })
    // Watch the store itself (an API call would queue behind the steps), yielding to I/O.
    const delivered = "select count(*) from messages where message_status = 'Delivered'"
    while (!moved && (await scalar(dataDir, delivered)) === 0) {
      await new Promise((resolve) => setImmediate(resolve))
    }
    await server.kill()
    await moving
  }

  server = await restart(dataDir)
  alice = await login(server.baseUrl, ALICE)
  await advance(server, 'PT2H', alice)
  const done = await outbound(alice)
  assert.equal(done.length, COUNT, 'no message lost, none stored twice')
  assert.deepEqual(done.map((m) => m.id).sort(), [...sent].sort())
  assert.deepEqual(
    done.map((m) => m.subject).sort(),
    Array.from({ length: COUNT }, (_, i) => `in flight ${i}`).sort(),
  )
  for (const m of done) {
    assert.equal(m.messageStatus, 'Delivered', `message ${m.id}`)
    assert.equal(m.to[0].messageStatus, 'Delivered')
    // Every Sent step counts an attempt: a step applied twice would show here.
    assert.equal(m.smsSendingAttemptsCount, 1, `message ${m.id} was sent more than once`)
    assert.ok(m.smsDeliveryTime)
  }
  await server.stop()
  // Each message took exactly three changes of the mailbox (stored, Sent, Delivered),
  // and no delivery step is left to run.
  assert.equal(
    await scalar(dataDir, "select change_seq from mailboxes where extension_id = '62001'"),
    3 * COUNT,
  )
  assert.equal(await scalar(dataDir, "select count(*) from jobs where name = 'delivery.step'"), 0)
})
