import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  deliver,
  fakeFile,
  login,
  mixedBody,
  OUTSIDE,
  type Platform,
  READONLY_APP,
  STORE,
  sendRaw,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import { createReport, waitForStatus } from '../helpers/exports.js'
import { post } from '../helpers/sending.js'
import type { RunningServer } from '../helpers/server.js'
import { tempDir } from '../helpers/server.js'
import { fsync, isync } from '../helpers/sync.js'
import { missingAccount } from '../helpers/tenancy.js'

/**
 * Every statement the server runs on a tenant table names its account, so that a store
 * distributed by account routes it to one shard (src/storage/tenancy.ts lists the
 * tables and the few cross-account statements there are on purpose). The server logs
 * each statement (MSGSTORE_STATEMENT_LOG) while a flow of every kind of request and
 * background work runs through the SDK; the log is the same on SQLite and PostgreSQL
 * but for placeholders, so the test runs on both.
 */
describe('statements on tenant tables name the account', () => {
  let server: RunningServer
  let alice: Platform
  const log = path.join(tempDir('msgstore-statements-'), 'statements.log')

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'], env: { MSGSTORE_STATEMENT_LOG: log } })
    alice = (await login(server, ALICE)).platform
  })

  after(() => server?.stop())

  const clock = async (advance: string) => {
    const res = await server.admin('POST', '/admin/v1/clock', { advance })
    assert.equal(res.status, 200, JSON.stringify(res.body))
  }

  test('a flow of every request and sweep', async () => {
    // Logins: the password grant (a number names the account) and a refresh.
    await login(server, ALICE, READONLY_APP)
    await alice.refresh()
    // Inbound, with an attachment, and sending inside the account and out of it.
    const [voicemail] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [
        { contentType: 'audio/wav', fileName: 'vm.wav', bytes: fakeFile('wav', 2048), vmDuration: 2 },
      ],
    })
    const sms = await smsTo(server, ALICE.username)
    await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: BOB.username }],
      text: 'in',
    })
    await post(alice, '/sms', {
      from: { phoneNumber: ALICE.username },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'out',
    })
    await post(alice, '/company-pager', { to: [{ extensionNumber: BOB.extension }], text: 'page' })
    await clock('PT1M')
    // Sync before the changes, to read them back incrementally.
    const full = await fsync(alice)
    // Lists (fresh, repeated, filtered), reads, content.
    for (const query of [
      {},
      {},
      { messageType: 'SMS', readStatus: 'Unread' },
      { distinctConversations: true },
      { phoneNumber: OUTSIDE },
      { dateFrom: '2000-01-01T00:00:00Z' },
      { dateFrom: '2000-01-01T00:00:00Z' },
    ]) {
      assert.equal((await alice.get(STORE, query)).status, 200)
    }
    const record = await (await alice.get(`${STORE}/${voicemail}`)).json()
    await alice.get(`${STORE}/${voicemail},${sms}`)
    assert.equal((await alice.get(record.attachments[0].uri)).status, 200)
    // Changes: one, bulk, delete, purge, delete by filter.
    await alice.put(`${STORE}/${sms}`, { readStatus: 'Read' })
    const { contentType, body } = mixedBody([{ readStatus: 'Unread' }, { readStatus: 'Read' }])
    assert.equal(
      (await sendRaw(alice, 'PUT', `${STORE}/${voicemail},${sms}`, body, { 'Content-Type': contentType }))
        .status,
      207,
    )
    await alice.delete(`${STORE}/${sms}`)
    await alice.delete(`${STORE}/${voicemail}`, { purge: true })
    await smsTo(server, ALICE.username)
    await alice.delete(STORE, { dateTo: new Date(Date.now() + 366 * 86400_000).toISOString() })
    await isync(alice, full.syncInfo.syncToken)
    // An export, built by its job.
    const task = await createReport(alice, { dateFrom: '2000-01-01T00:00:00Z' })
    await clock('PT1S')
    await waitForStatus(alice, task.id)
    // The life-cycle and retention sweeps: purge after 5 days, removal after 5 more.
    // Access tokens expire on the store's clock: a fresh one after each move.
    await clock('P6D')
    await alice.refresh()
    await clock('P6D')
    await alice.refresh()
    await isync(alice, full.syncInfo.syncToken)
  })

  test('the log holds every kind of statement, and each names its account', () => {
    const statements = [
      ...new Set(
        fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as string),
      ),
    ]
    for (const expected of [
      /insert into "message_tombstones"/,
      /update "mailboxes"/,
      /from "attachments"/,
      /delete from "messages"/,
      /count\(\*\) from messages m/,
    ]) {
      assert.ok(
        statements.some((s) => expected.test(s)),
        `the flow ran no statement like ${expected}`,
      )
    }
    const failures = statements
      .map((s) => ({ s, why: missingAccount(s) }))
      .filter((f) => f.why !== undefined)
      .map((f) => `${f.why}:\n  ${f.s.replace(/\s+/g, ' ')}`)
    assert.deepEqual(failures, [])
  })
})
