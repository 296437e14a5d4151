import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config/config.js'

const load = (opts: Record<string, unknown>, env: Record<string, string> = {}) =>
  loadConfig({ data: '/tmp/msgstore-config-test', ...opts }, env, () => 'token')

test('mailbox caps default to RingCentral’s counts: 5,000 texts per folder, 200 faxes and voice messages in an Inbox', () => {
  assert.deepEqual(load({}).mailboxCaps, { textFolder: 5000, faxVoicemailInbox: 200 })
})

test('mailbox caps come from the flags, else the environment', () => {
  assert.deepEqual(load({ textFolderCap: '50' }, { MSGSTORE_FAX_VOICEMAIL_INBOX_CAP: '7' }).mailboxCaps, {
    textFolder: 50,
    faxVoicemailInbox: 7,
  })
  assert.equal(load({ textFolderCap: '50' }, { MSGSTORE_TEXT_FOLDER_CAP: '60' }).mailboxCaps.textFolder, 50)
})

test('a cap that is not a positive whole number stops the start, naming the option', () => {
  for (const bad of ['0', '-1', '1.5', 'many', '']) {
    assert.throws(
      () => load({ textFolderCap: bad }),
      (err: unknown) => err instanceof ConfigError && /--text-folder-cap/.test(err.message),
    )
  }
  assert.throws(
    () => load({}, { MSGSTORE_FAX_VOICEMAIL_INBOX_CAP: 'x' }),
    (err: unknown) => err instanceof ConfigError && /--fax-voicemail-inbox-cap/.test(err.message),
  )
})
