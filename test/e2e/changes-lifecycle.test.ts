import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  blobKept,
  deliver,
  everything,
  failure,
  fakeFile,
  login,
  type Platform,
  pastBlobGrace,
  record,
  STORE,
  smsTo,
  startStandard,
} from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

describe('life cycle: Alive → Deleted → Purged', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform
  let bobBefore: Map<number, any>

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
    await smsTo(server, BOB.username, 'Bob keeps this one')
    bobBefore = await everything(bob)
  })

  after(async () => {
    assert.deepEqual(await everything(bob), bobBefore)
    await server.stop()
  })

  async function voicemail(bytes = fakeFile('wav', 4096)) {
    const [id] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username],
      attachments: [{ contentType: 'audio/wav', fileName: 'vm.wav', bytes, vmDuration: 3 }],
    })
    return { id: id!, bytes }
  }

  async function listed(availability: string): Promise<number[]> {
    const res = await alice.get(STORE, { availability })
    return (await res.json()).records.map((r: any) => r.id)
  }

  test('DELETE moves a message to Deleted (204); PATCH availability Alive restores it', async () => {
    const { id, bytes } = await voicemail()
    const original = await record(alice, id)
    const res = await alice.delete(`${STORE}/${id}`)
    assert.equal(res.status, 204)
    assert.equal(await res.text(), '')

    const deleted = await record(alice, id)
    assert.equal(deleted.availability, 'Deleted')
    assert.ok(deleted.lastModifiedTime >= original.lastModifiedTime)
    assert.ok(!(await listed('Alive')).includes(id), 'hidden from the default listing')
    assert.ok((await listed('Deleted')).includes(id))
    // A Deleted message keeps its bytes: it can still be restored.
    const content = await alice.get(deleted.attachments[0].uri)
    assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes)

    const restored = await (await alice.patch(`${STORE}/${id}`, { availability: 'Alive' })).json()
    assert.equal(restored.availability, 'Alive')
    assert.deepEqual(restored, { ...original, lastModifiedTime: restored.lastModifiedTime })
    assert.deepEqual(await record(alice, id), restored)
    assert.ok((await listed('Alive')).includes(id))
  })

  test('PATCH restores and sets the read status in one call', async () => {
    const { id } = await voicemail()
    await alice.delete(`${STORE}/${id}`)
    const both = await (
      await alice.patch(`${STORE}/${id}`, { availability: 'Alive', readStatus: 'Read' })
    ).json()
    assert.equal(both.availability, 'Alive')
    assert.equal(both.readStatus, 'Read')
  })

  test('a second DELETE purges: bytes erased, blob file gone, metadata kept and listable', async () => {
    const bytes = fakeFile('wav', 8192)
    const { id } = await voicemail(bytes)
    assert.ok(await blobKept(server, bytes), 'the blob is stored')
    const alive = await record(alice, id)

    await alice.delete(`${STORE}/${id}`)
    assert.equal((await alice.delete(`${STORE}/${id}`)).status, 204)

    const purged = await record(alice, id)
    assert.equal(purged.availability, 'Purged')
    assert.deepEqual(purged.attachments, alive.attachments, 'attachment metadata is kept')
    assert.ok((await listed('Purged')).includes(id))
    assert.deepEqual((await everything(alice)).get(id), purged)
    assert.ok(await blobKept(server, bytes), 'bytes written moments ago are kept for a grace period')
    await pastBlobGrace(server)
    assert.ok(!(await blobKept(server, bytes)), 'the blob is removed')

    const gone = await failure(alice.get(purged.attachments[0].uri))
    assert.equal(gone.status, 404)
    assert.equal(gone.body.errorCode, 'CMN-102')

    const restore = await failure(alice.patch(`${STORE}/${id}`, { availability: 'Alive' }))
    assert.equal(restore.status, 400)
    assert.equal(restore.body.errors[0].parameterName, 'availability')
    assert.match(restore.body.message, /Purged/)
    assert.equal((await record(alice, id)).availability, 'Purged')

    // Deleting a Purged message again changes nothing.
    assert.equal((await alice.delete(`${STORE}/${id}`)).status, 204)
    assert.deepEqual(await record(alice, id), purged)
  })

  test('purge=true purges an Alive message at once', async () => {
    const bytes = fakeFile('wav', 2048)
    const { id } = await voicemail(bytes)
    assert.equal((await alice.delete(`${STORE}/${id}`, undefined, { purge: true })).status, 204)
    const purged = await record(alice, id)
    assert.equal(purged.availability, 'Purged')
    await pastBlobGrace(server)
    assert.ok(!(await blobKept(server, bytes)))
    assert.equal((await failure(alice.get(purged.attachments[0].uri))).status, 404)
  })

  test('an SMS purges its text too', async () => {
    const id = await smsTo(server, ALICE.username, 'a text that only Alice received, to be purged')
    const text = Buffer.from('a text that only Alice received, to be purged')
    assert.ok(await blobKept(server, text))
    await alice.delete(`${STORE}/${id}`, undefined, { purge: 'true' })
    await pastBlobGrace(server)
    assert.ok(!(await blobKept(server, text)))
  })

  test('bytes shared with another mailbox stay until their last reference is purged', async () => {
    const bytes = fakeFile('wav', 5000)
    const [mine, bobs] = await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE.username, BOB.username],
      attachments: [{ contentType: 'audio/wav', bytes }],
    })
    await alice.delete(`${STORE}/${mine}`, undefined, { purge: true })
    assert.equal((await record(alice, mine!)).availability, 'Purged')
    await pastBlobGrace(server)
    assert.ok(await blobKept(server, bytes), "Bob's copy still references the bytes")
    const bobsRecord = await record(bob, bobs!)
    const download = await bob.get(bobsRecord.attachments[0].uri)
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes)

    await bob.delete(`${STORE}/${bobs}`, undefined, { purge: true })
    await pastBlobGrace(server)
    assert.ok(!(await blobKept(server, bytes)), 'the last purge frees the bytes')
    // Bob's mailbox gained and lost this message through his own calls only.
    bobBefore.set(bobs!, await record(bob, bobs!))
  })

  test('DELETE of an unknown id, or of a message in another mailbox, is a 404', async () => {
    const bobs = [...bobBefore.keys()][0]!
    for (const id of ['999999999', 'x1', String(bobs)]) {
      const { status, body } = await failure(alice.delete(`${STORE}/${id}`))
      assert.equal(status, 404)
      assert.equal(body.errorCode, 'CMN-102')
    }
    const purge = await failure(alice.delete(`${STORE}/1`, undefined, { purge: 'maybe' }))
    assert.equal(purge.status, 400)
    assert.equal(purge.body.errors[0].parameterName, 'purge')
  })
})
