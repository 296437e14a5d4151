import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import {
  ALICE,
  BOB,
  deliver,
  everything,
  fakeFile,
  login,
  type Platform,
  record,
  STORE,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

describe('concurrent changes of one message', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let bobBefore: Map<number, any>

  before(async () => {
    server = await startStandard()
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    await smsTo(server, BOB.username, 'Bob keeps this one')
    bobBefore = await everything(bob)
  })

  after(async () => {
    assert.deepEqual(await everything(bob), bobBefore)
    await server.stop()
  })

  /** The record as the listing shows it, for the availability it has. */
  async function listed(id: number, availability: string): Promise<any> {
    const res = await alice.get(STORE, { availability, dateFrom: '2000-01-01T00:00:00Z', perPage: 1000 })
    return (await res.json()).records.find((r: any) => r.id === id)
  }

  test('20 concurrent PATCHes all answer, and leave the message consistent', async () => {
    const id = await smsTo(server, ALICE.username)
    const original = await record(alice, id)
    const started = Date.now()
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await alice.patch(`${STORE}/${id}`, { readStatus: i % 2 ? 'Read' : 'Unread' })
        assert.equal(res.status, 200)
        return res.json()
      }),
    )
    const final = await record(alice, id)
    assert.ok(['Read', 'Unread'].includes(final.readStatus))
    assert.equal(final.availability, 'Alive')
    assert.deepEqual(await listed(id, 'Alive'), final, 'the listing shows the same record')
    assert.ok(
      answers.some((a) => JSON.stringify(a) === JSON.stringify(final)),
      'the final record is what the last change answered',
    )
    for (const a of answers) {
      assert.equal(a.id, id)
      assert.deepEqual(
        { ...a, readStatus: original.readStatus, lastModifiedTime: original.lastModifiedTime },
        original,
      )
    }
    const last = Date.parse(final.lastModifiedTime)
    assert.ok(last >= Date.parse(original.lastModifiedTime))
    assert.ok(last <= Date.now() && last >= started - 1000, 'lastModifiedTime is the time of a change')
  })

  test('concurrent deletes, restores and read-status changes never corrupt the record', async () => {
    const bytes = fakeFile('wav', 10_000)
    const [id] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', bytes }],
    })
    const calls = Array.from({ length: 20 }, (_, i) => {
      const op =
        i % 4 === 0
          ? alice.delete(`${STORE}/${id}`)
          : i % 4 === 1
            ? alice.patch(`${STORE}/${id}`, { availability: 'Alive' })
            : alice.patch(`${STORE}/${id}`, { readStatus: i % 4 === 2 ? 'Read' : 'Unread' })
      return op.then(
        (res) => res.status,
        (e) => e.response?.status ?? 'network',
      )
    })
    const statuses = await Promise.all(calls)
    for (const status of statuses) {
      // A restore after a purge is refused (400); nothing else fails.
      assert.ok([200, 204, 400].includes(status), `status ${status}`)
    }
    const final = await record(alice, id!)
    assert.deepEqual(await listed(id!, final.availability), final)
    const content = await alice.get(final.attachments[0].uri).then(
      (res) => res.status,
      (e) => e.response.status,
    )
    assert.equal(content, final.availability === 'Purged' ? 404 : 200)
  })

  test('every change took its own number in the mailbox change sequence', async (t) => {
    if (process.env.MSGSTORE_TEST_DATABASE_URL) return t.skip('reads the embedded SQLite file')
    const ids = await Promise.all(Array.from({ length: 5 }, () => smsTo(server, ALICE.username)))
    await Promise.all(
      ids.flatMap((id) => [
        alice.put(`${STORE}/${id}`, { readStatus: 'Read' }),
        alice.delete(`${STORE}/${id}`),
        alice.patch(`${STORE}/${ids[0]},${id}`, { readStatus: 'Unread' }),
      ]),
    )
    const db = new Database(path.join(server.dataDir, 'msgstore.db'), { readonly: true, fileMustExist: true })
    try {
      const rows = db
        .prepare(
          'SELECT id, change_seq, last_modified_time FROM messages WHERE extension_id = ? ORDER BY change_seq',
        )
        .all(ALICE.id) as { id: number; change_seq: number; last_modified_time: number }[]
      const mailbox = db.prepare('SELECT change_seq FROM mailboxes WHERE extension_id = ?').get(ALICE.id) as {
        change_seq: number
      }
      const seqs = rows.map((r) => r.change_seq)
      assert.equal(new Set(seqs).size, seqs.length, 'no two messages share a change number')
      assert.equal(mailbox.change_seq, Math.max(...seqs), "the mailbox's sequence is at the latest change")
      for (let i = 1; i < rows.length; i++) {
        assert.ok(
          rows[i]!.last_modified_time >= rows[i - 1]!.last_modified_time,
          'later changes, later times',
        )
      }
      for (const id of ids) {
        const stored = db.prepare('SELECT record FROM messages WHERE id = ?').get(id) as { record: Buffer }
        const api = await record(alice, id)
        assert.equal(
          JSON.parse(stored.record.toString().replaceAll('\u0001', server.baseUrl)).lastModifiedTime,
          api.lastModifiedTime,
        )
      }
    } finally {
      db.close()
    }
  })
})
