import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { loginAdmin, mailbox, mirrorOnce, startPair } from '../helpers/mirror.js'
import { ALICE, deliverOne, login, MESSAGE_STORE, type Platform } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'
import { advance } from '../helpers/sync.js'

const OUTSIDE = '+14155550123'
const DAY = 24 * 3600_000
const CONFIG = '/restapi/v1.0/account/~/message-store-configuration'

/**
 * What a delete, a purge and the retention of the source do to the local copy, with and
 * without `--keep-deleted`: a delete reaches it only without the option; a purge or a
 * removal by retention never removes it.
 */
describe('mirror: deletes, purges and retention on the source', () => {
  let pair: { source: RunningServer; local: RunningServer }
  let alice: Platform

  const sms = (text: string) =>
    deliverOne(pair.source, { type: 'SMS', from: OUTSIDE, to: [ALICE.username], text })
  const localMailbox = async () => mailbox(await loginAdmin(pair.local), pair.local.baseUrl, ALICE.id)

  before(async () => {
    // The source's clock is manual: its retention runs when the test moves it.
    pair = await startPair({ args: ['--clock', 'manual'] }, { args: ['--shared-store'] })
    alice = await login(pair.source.baseUrl, ALICE)
  })

  after(async () => {
    await Promise.all([pair.source.stop(), pair.local.stop()])
  })

  test('--keep-deleted: a message deleted on the source stays Alive here, a purged one stays here', async () => {
    const deleted = await sms('delete me there, keep me here')
    const purged = await sms('purge me there, keep me here')
    await mirrorOnce(pair.source, pair.local, ['--keep-deleted'])
    await alice.delete(`${MESSAGE_STORE}/${deleted}`)
    await alice.delete(`${MESSAGE_STORE}/${purged}`, undefined, { purge: true })
    const onSource = await mailbox(alice, pair.source.baseUrl, '~')
    assert.equal(onSource.get(deleted).availability, 'Deleted')
    assert.equal(onSource.get(purged).availability, 'Purged')

    await mirrorOnce(pair.source, pair.local, ['--keep-deleted'])
    const local = await localMailbox()
    assert.equal(local.get(deleted)?.availability, 'Alive')
    assert.equal(local.get(deleted).subject, 'delete me there, keep me here')
    assert.equal(local.get(purged)?.availability, 'Alive')
    assert.equal(local.get(purged).subject, 'purge me there, keep me here')
  })

  test('--keep-deleted: a message already Deleted on the source when the mirror first sees it is copied, Alive', async () => {
    const before = await sms('deleted before the mirror saw it')
    await alice.delete(`${MESSAGE_STORE}/${before}`)
    assert.equal((await mailbox(alice, pair.source.baseUrl, '~')).get(before).availability, 'Deleted')

    await mirrorOnce(pair.source, pair.local, ['--keep-deleted'])
    const local = await localMailbox()
    assert.equal(local.get(before)?.availability, 'Alive')
    assert.equal(local.get(before).subject, 'deleted before the mirror saw it')
  })

  test('without it: a delete on the source makes the local copy Deleted; a purge leaves it as it was', async () => {
    const deleted = await sms('delete me on both')
    const purged = await sms('purge me there only')
    await mirrorOnce(pair.source, pair.local)
    await alice.delete(`${MESSAGE_STORE}/${deleted}`)
    await alice.delete(`${MESSAGE_STORE}/${purged}`, undefined, { purge: true })
    assert.equal((await mailbox(alice, pair.source.baseUrl, '~')).get(purged).availability, 'Purged')

    await mirrorOnce(pair.source, pair.local)
    const local = await localMailbox()
    assert.equal(local.get(deleted)?.availability, 'Deleted')
    assert.equal(local.get(purged)?.availability, 'Alive')
    assert.equal(local.get(purged).subject, 'purge me there only')
  })

  test("--keep-deleted: the source's retention removes an old fax; the local copy stays, readable", async () => {
    const now = Date.parse((await pair.source.admin('GET', '/admin/v1/clock')).body.now)
    const fax = await deliverOne(pair.source, {
      type: 'Fax',
      from: OUTSIDE,
      to: [ALICE.username],
      faxPageCount: 1,
      creationTime: new Date(now - 8 * DAY).toISOString(),
      attachments: [{ contentType: 'application/pdf', base64: Buffer.alloc(3000, 7).toString('base64') }],
    })
    await mirrorOnce(pair.source, pair.local, ['--keep-deleted'])
    assert.equal((await alice.put(CONFIG, { retentionPeriod: 7 })).status, 200)
    await advance(pair.source, 'PT1M')
    assert.ok(!(await mailbox(alice, pair.source.baseUrl, '~')).has(fax), 'the source removed the fax')

    await mirrorOnce(pair.source, pair.local, ['--keep-deleted'])
    await mirrorOnce(pair.source, pair.local)
    const admin = await loginAdmin(pair.local)
    const kept = (await mailbox(admin, pair.local.baseUrl, ALICE.id)).get(fax)
    assert.equal(kept?.availability, 'Alive')
    const content = await admin.get(kept.attachments[0].uri.replace('BASE', ''))
    assert.ok(Buffer.from(await content.arrayBuffer()).equals(Buffer.alloc(3000, 7)))
  })
})
