import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  deliverOne,
  getJson,
  login,
  MESSAGE_STORE,
  type Platform,
  passwordToken,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

const HOUR = 3600_000

let server: RunningServer
let alice: Platform
let startedAfter: number
let startedBefore: number

before(async () => {
  startedAfter = Date.now()
  server = await startProvisioned({ args: ['--clock', 'manual'] })
  startedBefore = Date.now()
  alice = await login(server.baseUrl, ALICE)
})
after(async () => {
  await server.stop()
})

async function clock(body?: unknown) {
  return body === undefined
    ? server.admin('GET', '/admin/v1/clock')
    : server.admin('POST', '/admin/v1/clock', body)
}

async function now(): Promise<number> {
  return Date.parse((await clock()).body.now)
}

describe('the manual clock', () => {
  test('starts at the real time of the start and stands still', async () => {
    const res = await clock()
    assert.equal(res.status, 200)
    assert.deepEqual(Object.keys(res.body).sort(), ['mode', 'now'])
    assert.equal(res.body.mode, 'manual')
    const t = Date.parse(res.body.now)
    assert.ok(t >= startedAfter && t <= startedBefore, `${res.body.now} is not the start time`)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal((await clock()).body.now, res.body.now)
  })

  test('advance moves it by an ISO 8601 duration', async () => {
    const t0 = await now()
    const res = await clock({ advance: 'PT36H' })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body, { mode: 'manual', now: new Date(t0 + 36 * HOUR).toISOString() })
    const res2 = await clock({ advance: 'P1DT30M15S' })
    assert.equal(Date.parse(res2.body.now), t0 + 36 * HOUR + 24 * HOUR + 30 * 60_000 + 15_000)
    assert.equal(await now(), Date.parse(res2.body.now))
  })

  test('set moves it to a date, never backwards', async () => {
    const t0 = await now()
    const target = new Date(t0 + 48 * HOUR).toISOString()
    const res = await clock({ set: target })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body, { mode: 'manual', now: target })
    const same = await clock({ set: target })
    assert.equal(same.status, 200)
    const back = await clock({ set: new Date(t0).toISOString() })
    assert.equal(back.status, 400)
    assert.equal(back.body.errorCode, 'CMN-101')
    assert.equal(back.body.errors[0].parameterName, 'set')
    assert.equal(await now(), Date.parse(target))
  })

  test('a bad duration or date is a 400 and the clock stays', async () => {
    const t0 = await now()
    const cases: [unknown, string][] = [
      [{ advance: 'banana' }, 'advance'],
      [{ advance: 'P' }, 'advance'],
      [{ advance: 'PT' }, 'advance'],
      [{ advance: '-PT1H' }, 'advance'],
      [{ set: 'tomorrow' }, 'set'],
      [{ set: '2099-02-30T00:00:00Z' }, 'set'],
    ]
    for (const [body, field] of cases) {
      const res = await clock(body)
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.equal(res.body.errorCode, 'CMN-101')
      assert.equal(res.body.errors[0].parameterName, field)
    }
    const empty = await clock({})
    assert.equal(empty.status, 400)
    assert.equal(await now(), t0)
  })
})

describe('everything follows the clock', () => {
  // The clock has moved days by now: a fresh session, so that only what a test does to the clock matters.
  before(async () => {
    alice = await login(server.baseUrl, ALICE)
  })

  test('an inbound message without creationTime is stamped with the clock', async () => {
    const t = await now()
    const id = await deliverOne(server, {
      type: 'SMS',
      from: '+14155550123',
      to: [ALICE.username],
      text: 'tick',
    })
    const record = await (await alice.get(`${MESSAGE_STORE}/${id}`)).json()
    assert.equal(record.creationTime, new Date(t).toISOString())
    assert.equal(record.lastModifiedTime, new Date(t).toISOString())
  })

  test('the default listing window moves with the clock', async () => {
    const id = await deliverOne(server, {
      type: 'SMS',
      from: '+14155550199',
      to: [ALICE.username],
      text: 'tock',
    })
    const ids = async () =>
      (await (await alice.get(MESSAGE_STORE)).json()).records.map((r: { id: number }) => r.id)
    assert.ok((await ids()).includes(id))
    await clock({ advance: 'PT23H59M' })
    assert.ok((await ids()).includes(id))
    await clock({ advance: 'PT2M' })
    assert.ok(!(await ids()).includes(id))
  })

  test('access tokens expire by the clock', async () => {
    const info = await passwordToken(server.baseUrl, ALICE)
    const status = async () => (await getJson(`${server.baseUrl}${MESSAGE_STORE}`, info.access_token)).status
    await clock({ advance: 'PT59M' })
    assert.equal(await status(), 200)
    await clock({ advance: 'PT1M' })
    assert.equal(await status(), 401)
  })
})
