import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, test } from 'node:test'
import { ALICE, login, MESSAGE_STORE } from '../helpers/sdk.js'
import { STANDARD_FILE, startServer, tempDir } from '../helpers/server.js'

describe('--database sqlite::memory:', () => {
  test('a working store whose data, attachment bytes included, never touch the disk and end with the process', async () => {
    const dir = tempDir()
    const args = ['--database', 'sqlite::memory:']
    const server = await startServer({ dataDir: dir, args })
    try {
      assert.equal((await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
      const bytes = Buffer.from('in-memory voicemail bytes')
      const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
        type: 'VoiceMail',
        from: '+14155550123',
        to: [ALICE.username],
        attachments: [{ contentType: 'audio/wav', fileName: 'vm.wav', base64: bytes.toString('base64') }],
      })
      assert.equal(res.status, 201, JSON.stringify(res.body))
      const alice = await login(server.baseUrl, ALICE)
      const [record] = (await (await alice.get(MESSAGE_STORE)).json()).records
      const attachment = record.attachments.find((a: any) => a.type === 'AudioRecording')
      const got = await alice.get(attachment.uri)
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes)
      // Nothing was written into the data folder.
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f !== 'database-url'),
        [],
      )
    } finally {
      assert.equal(await server.stop(), 0)
    }
    // A new process on the same arguments starts empty.
    const again = await startServer({ dataDir: dir, args })
    try {
      assert.deepEqual((await again.admin('GET', '/admin/v1/messages')).body.records, [])
      assert.equal(
        (
          await again.admin('POST', '/admin/v1/accounts/1001/inbound', {
            type: 'SMS',
            from: '+14155550123',
            to: ['+16505550101'],
            text: 'x',
          })
        ).status,
        404,
      )
    } finally {
      await again.stop()
    }
  })
})
