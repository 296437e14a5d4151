import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SDK } from '@ringcentral/sdk'
import {
  ALICE,
  BOB,
  deliver,
  everything,
  login,
  OLGA,
  type Platform,
  startStandard,
} from '../helpers/changes.js'
import { pdfOf } from '../helpers/documents.js'
import { multipart, OUTSIDE, SENDING_FAILS } from '../helpers/sending.js'
import type { RunningServer } from '../helpers/server.js'
import { advance, assertSameRecords, clockNow, fsync, LocalCopy, serverList } from '../helpers/sync.js'

const DAY = 24 * 3600_000
const CONFIG = '/restapi/v1.0/account/~/message-store-configuration'
const APP = { clientId: 'test-client', clientSecret: 'test-secret' }
const iso = (ms: number) => new Date(ms).toISOString()

/** A HIPAA account, provisioned through the admin API. */
const HIPAA = {
  id: '3001',
  name: 'Careful Clinic',
  mainNumber: '+13125550100',
  hipaa: true,
  extensions: [
    {
      id: '63001',
      extensionNumber: '101',
      name: 'Hana Hipaa',
      role: 'SuperAdmin',
      password: 'hana-secret',
      phoneNumbers: ['+13125550101'],
    },
  ],
}
const HANA = { id: '63001', username: '+13125550101' }

/**
 * The age rules: sent faxes are kept 30 days, inbox faxes and voicemail of HIPAA
 * accounts 30 days, whatever retentionPeriod says; and an account's retentionPeriod
 * applies to its faxes and voicemail. Removal is by creationTime, reported by ISync,
 * and reaches no other account.
 */
describe('retention by age', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let olga: Platform
  let hana: Platform
  let start: number
  let since: string

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    const res = await server.admin('POST', '/admin/v1/provision', { accounts: [HIPAA] })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    await loginAll()
    start = await clockNow(server)
    since = iso(start - 40 * DAY)
  })

  after(async () => {
    await server.stop()
  })

  /** Sessions expire as days pass on the clock: log everyone in again. */
  async function loginAll() {
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    olga = (await login(server, OLGA)).platform
    const platform = new SDK({
      server: server.baseUrl,
      ...APP,
      cachePrefix: `hana-${process.pid}-${Math.random()}`,
    }).platform()
    const jwt = await server.admin('POST', `/admin/v1/accounts/${HIPAA.id}/extensions/${HANA.id}/jwt`)
    await platform.login({ jwt: jwt.body.jwt })
    hana = platform
  }

  async function move(duration: string): Promise<number> {
    const now = await advance(server, duration)
    await loginAll()
    return now
  }

  const ids = async (platform: Platform) => new Set((await everything(platform)).keys())

  async function sendFax(to: string): Promise<number> {
    const form = multipart({ to: [{ phoneNumber: to }] }, [
      { bytes: await pdfOf(1), name: 'one.pdf', type: 'application/pdf' },
    ])
    const res = await alice.post('/restapi/v1.0/account/~/extension/~/fax', form)
    return (await res.json()).id
  }

  test('sent faxes are kept 30 days, even with a 90-day retention period; the Outbox and the recipient keep theirs', async () => {
    assert.equal((await alice.put(CONFIG, { retentionPeriod: 90 })).status, 200)
    const outside = await sendFax(OUTSIDE)
    const failed = await sendFax(SENDING_FAILS)
    const internal = await sendFax(BOB.username)
    await move('PT10M')
    const sentAt = Date.parse((await everything(alice)).get(outside).creationTime)
    const statuses = await everything(alice)
    assert.notEqual(statuses.get(outside).messageStatus, 'Queued')
    assert.equal(statuses.get(failed).messageStatus, 'SendingFailed')
    const bobsFax = [...(await everything(bob)).values()].find(
      (m) => m.type === 'Fax' && m.direction === 'Inbound',
    )
    assert.ok(bobsFax, 'Bob received the internal fax')
    const copy = new LocalCopy()
    copy.full(await fsync(alice, { dateFrom: since }))

    await move(`PT${Math.round((sentAt + 30 * DAY - (await clockNow(server))) / 1000) - 60}S`)
    const before = await ids(alice)
    for (const id of [outside, failed, internal])
      assert.ok(before.has(id), `a minute before 30 days, ${id} is kept`)

    await move('PT1M')
    const kept = await ids(alice)
    assert.ok(!kept.has(outside), 'a Sent fax is removed at 30 days')
    assert.ok(!kept.has(internal), 'a fax sent inside the account too')
    assert.ok(kept.has(failed), 'a fax that failed to send stays in the Outbox')
    assert.ok((await ids(bob)).has(bobsFax.id), "the recipient's inbox copy stays (not a HIPAA account)")
    const answer = await copy.refresh(alice)
    const reported = new Map(answer.records.map((r) => [r.id, r.availability]))
    assert.equal(reported.get(outside), 'Purged')
    assert.equal(reported.get(internal), 'Purged')
    assertSameRecords(copy.records(), await serverList(alice, { dateFrom: since }))
  })

  test('a HIPAA account keeps inbox faxes and voicemail 30 days, even with a 90-day period; other accounts keep theirs', async () => {
    assert.equal((await hana.put(CONFIG, { retentionPeriod: 90 })).status, 200)
    // The new period wakes a sweep; let it finish before the already-stale voicemail
    // arrives, so that this voicemail is removed by the next sweep and not before FSync.
    const now = await move('PT0S')
    const fax = (await deliver(server, { type: 'Fax', to: [HANA.username] }, HIPAA.id))[0]!
    const vm = (await deliver(server, { type: 'VoiceMail', to: [HANA.username] }, HIPAA.id))[0]!
    const text = (await deliver(server, { type: 'SMS', to: [HANA.username], text: 'kept' }, HIPAA.id))[0]!
    const stale = (
      await deliver(
        server,
        { type: 'VoiceMail', to: [HANA.username], creationTime: iso(now - 31 * DAY) },
        HIPAA.id,
      )
    )[0]!
    const alicesFax = (await deliver(server, { type: 'Fax', to: [ALICE.username] }))[0]!
    const alicesVm = (await deliver(server, { type: 'VoiceMail', to: [ALICE.username] }))[0]!
    const olgasVm = (await deliver(server, { type: 'VoiceMail', to: [OLGA.username] }, '2001'))[0]!
    const copy = new LocalCopy()
    copy.full(await fsync(hana, { dateFrom: since }))
    assert.ok(copy.records().has(stale))

    await move('PT1M')
    assert.ok(!(await ids(hana)).has(stale), 'one already 31 days old goes at the next sweep')
    await move(`PT${Math.round((now + 30 * DAY - (await clockNow(server))) / 1000) - 60}S`)
    let kept = await ids(hana)
    assert.ok(kept.has(fax) && kept.has(vm), 'a minute before 30 days, kept')
    await move('PT1M')
    kept = await ids(hana)
    assert.ok(!kept.has(fax), 'the inbox fax is removed at 30 days')
    assert.ok(!kept.has(vm), 'the voicemail too')
    assert.ok(kept.has(text), 'text messages have no age limit')
    for (const [platform, id] of [
      [alice, alicesFax],
      [alice, alicesVm],
      [olga, olgasVm],
    ] as const) {
      assert.ok((await ids(platform)).has(id), `another account's message ${id} is kept`)
    }
    const answer = await copy.refresh(hana)
    assert.deepEqual(
      answer.records.map((r) => [r.id, r.availability]).sort(),
      [
        [fax, 'Purged'],
        [vm, 'Purged'],
        [stale, 'Purged'],
      ].sort(),
    )
    assertSameRecords(copy.records(), await serverList(hana, { dateFrom: since }))
  })

  test("an account's retention period removes its faxes and voicemail, in any folder, and nothing else", async () => {
    const now = await clockNow(server)
    const old = async (
      type: 'Fax' | 'VoiceMail' | 'SMS',
      days: number,
      to = ALICE.username,
      account = '1001',
    ) =>
      (
        await deliver(
          server,
          { type, to: [to], text: type === 'SMS' ? 'text' : undefined, creationTime: iso(now - days * DAY) },
          account,
        )
      )[0]!
    const vm8 = await old('VoiceMail', 8)
    const fax8 = await old('Fax', 8)
    const deletedFax8 = await old('Fax', 8)
    await alice.delete(`/restapi/v1.0/account/~/extension/~/message-store/${deletedFax8}`)
    const vm6 = await old('VoiceMail', 6)
    const sms100 = await old('SMS', 100)
    const bobsVm8 = await old('VoiceMail', 8, BOB.username)
    const olgasVm8 = await old('VoiceMail', 8, OLGA.username, '2001')

    await move('PT1M')
    for (const id of [vm8, fax8, deletedFax8, vm6, sms100])
      assert.ok((await ids(alice)).has(id), 'no period yet')

    assert.equal((await alice.put(CONFIG, { retentionPeriod: 7 })).status, 200)
    await move('PT1M')
    let kept = await ids(alice)
    for (const id of [vm8, fax8, deletedFax8]) assert.ok(!kept.has(id), `${id}, 8 days old, is removed`)
    assert.ok(kept.has(vm6), '6 days old is kept')
    assert.ok(kept.has(sms100), 'text messages are not subject to the period')
    assert.ok(!(await ids(bob)).has(bobsVm8), "every mailbox of the account: Bob's too")
    assert.ok((await ids(olga)).has(olgasVm8), 'another account is untouched')

    await move('P1D')
    kept = await ids(alice)
    assert.ok(!kept.has(vm6), 'at 7 days it goes')
    assert.ok(kept.has(sms100))
  })
})
