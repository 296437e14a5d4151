import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  deliver,
  everything,
  fakeFile,
  login,
  type Platform,
  startStandard,
} from '../helpers/changes.js'
import { runCli } from '../helpers/cli.js'
import { databaseFor, type RunningServer, startServer, tempDir } from '../helpers/server.js'

// `msgstore backup` while a server keeps writing, then `msgstore restore` into an empty
// folder: the restored store serves what the store held at one instant, attachments
// included. Backups copy embedded (SQLite) stores; on PostgreSQL the command refuses
// and points at pg_dump.
const onPostgres = Boolean(process.env.MSGSTORE_TEST_DATABASE_URL)
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** Every record of Alice's mailbox with the server's base URL taken out, so two servers compare. */
async function listing(platform: Platform, baseUrl: string): Promise<Map<number, string>> {
  const records = await everything(platform)
  return new Map([...records].map(([id, r]) => [id, JSON.stringify(r).replaceAll(baseUrl, 'BASE')]))
}

/** The bytes of every attachment of every listed message, by attachment uri (less the base URL). */
async function attachmentDigests(platform: Platform, baseUrl: string): Promise<Map<string, string>> {
  const digests = new Map<string, string>()
  for (const record of (await everything(platform)).values()) {
    for (const attachment of record.attachments ?? []) {
      if (attachment.type === 'Text') continue
      const res = await platform.get(attachment.uri)
      digests.set(attachment.uri.replace(baseUrl, 'BASE'), sha(Buffer.from(await res.arrayBuffer())))
    }
  }
  return digests
}

async function restoreAndServe(file: string): Promise<{ server: RunningServer; alice: Platform }> {
  const dataDir = path.join(tempDir('msgstore-restored-'), 'data')
  const restored = await runCli(['restore', file, '--data', dataDir])
  assert.equal(restored.code, 0, restored.stderr)
  const server = await startServer({ dataDir })
  return { server, alice: (await login(server, ALICE)).platform }
}

describe('backup and restore of an embedded store', { skip: onPostgres }, () => {
  let source: RunningServer
  let alice: Platform
  const restoredServers: RunningServer[] = []
  const voicemails = new Map<string, Buffer>()

  before(async () => {
    source = await startStandard()
    alice = (await login(source, ALICE)).platform
    for (let i = 0; i < 4; i++) {
      const bytes = fakeFile('wav', 4096 + i)
      voicemails.set(sha(bytes), bytes)
      await deliver(source, {
        type: 'VoiceMail',
        to: [ALICE.username],
        attachments: [{ contentType: 'audio/wav', fileName: `vm${i}.wav`, bytes, vmDuration: 3 }],
      })
    }
  })
  after(async () => {
    await source?.stop()
    for (const server of restoredServers) await server.stop()
  })

  test('a backup taken under a write load restores into an empty folder as one instant of the store', async () => {
    // The load: inbound messages, one in four with an attachment of its own, one after
    // another, until the backup is written. Each commit takes the next id, so a copy of
    // one instant holds exactly the messages up to some id.
    let loading = true
    let written = 0
    const load = (async () => {
      while (loading) {
        const attachments =
          written % 4 === 0
            ? [
                {
                  contentType: 'audio/wav',
                  fileName: 'load.wav',
                  bytes: fakeFile('wav', 2048 + written),
                  vmDuration: 1,
                },
              ]
            : undefined
        await deliver(source, {
          type: attachments ? 'VoiceMail' : 'SMS',
          to: [ALICE.username],
          text: attachments ? undefined : `load ${written}`,
          attachments,
        })
        written += 1
      }
    })()
    while (written < 5) await new Promise((r) => setTimeout(r, 20))
    const file = path.join(tempDir('msgstore-backup-'), 'store.zip')
    const backup = await runCli(['backup', '--out', file, '--data', source.dataDir])
    const writtenDuringBackup = written
    loading = false
    await load
    assert.equal(backup.code, 0, backup.stderr)
    assert.match(backup.stdout, /backup written to .*store\.zip/)
    assert.ok(written > 5 && writtenDuringBackup > 5, 'the load ran while the backup was taken')

    const { server, alice: restoredAlice } = await restoreAndServe(file)
    restoredServers.push(server)
    const now = await listing(alice, source.baseUrl)
    const copy = await listing(restoredAlice, server.baseUrl)
    const newest = Math.max(...copy.keys())
    const expected = new Map([...now].filter(([id]) => id <= newest))
    assert.deepEqual(copy, expected, 'the restored store is the source up to one message, with no gap')
    assert.ok(copy.size >= 4 + 5, 'the copy holds what was written before the backup began')

    const digests = await attachmentDigests(restoredAlice, server.baseUrl)
    const original = await attachmentDigests(alice, source.baseUrl)
    assert.ok(digests.size >= 4)
    for (const [uri, digest] of digests) assert.equal(digest, original.get(uri), uri)
    for (const digest of voicemails.keys()) assert.ok([...digests.values()].includes(digest))
  })

  test('a backup of a quiet store restores to a store that lists identically', async () => {
    const file = path.join(tempDir('msgstore-backup-'), 'quiet.zip')
    const backup = await runCli(['backup', '--out', file, '--data', source.dataDir])
    assert.equal(backup.code, 0, backup.stderr)
    const { server, alice: restoredAlice } = await restoreAndServe(file)
    restoredServers.push(server)
    assert.deepEqual(await listing(restoredAlice, server.baseUrl), await listing(alice, source.baseUrl))
    assert.deepEqual(
      await attachmentDigests(restoredAlice, server.baseUrl),
      await attachmentDigests(alice, source.baseUrl),
    )
  })

  test('restore refuses a folder that is not empty, and a file that is not a backup', async () => {
    const file = path.join(tempDir('msgstore-backup-'), 'again.zip')
    assert.equal((await runCli(['backup', '--out', file, '--data', source.dataDir])).code, 0)
    const busy = tempDir('msgstore-busy-')
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine')
    const refused = await runCli(['restore', file, '--data', busy])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /is not empty/)
    assert.deepEqual(fs.readdirSync(busy), ['keep.txt'])

    const notBackup = path.join(busy, 'keep.txt')
    const garbage = await runCli(['restore', notBackup, '--data', path.join(busy, 'new')])
    assert.equal(garbage.code, 1)
    assert.match(garbage.stderr, /not a msgstore backup/)
  })
})

describe('backup of a PostgreSQL store', { skip: !onPostgres }, () => {
  test('refuses and points at pg_dump', async () => {
    const dataDir = tempDir()
    const database = await databaseFor(dataDir)
    const res = await runCli(['backup', '--out', path.join(dataDir, 'x.zip'), '--database', database!])
    assert.equal(res.code, 1)
    assert.match(res.stderr, /pg_dump/)
  })
})
