import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Message } from '../../src/domain/message/model.js'
import { renderRecord, withBaseUrl } from '../../src/domain/message/record.js'

const sms: Message = {
  id: 6424569004,
  accountId: '178009004',
  extensionId: '178009005',
  type: 'SMS',
  direction: 'Inbound',
  availability: 'Alive',
  readStatus: 'Unread',
  messageStatus: 'Received',
  priority: 'Normal',
  subject: 'tricky \u0001 "quoted" \\u0001 text',
  from: { phoneNumber: '+16505558379' },
  to: [{ phoneNumber: '+13125559821', name: 'Jane' }],
  conversationId: 8031152018338945,
  creationTime: Date.UTC(2019, 4, 22, 17, 7, 28),
  lastModifiedTime: Date.UTC(2019, 4, 22, 17, 7, 28, 91),
  extra: {},
  attachments: [{ id: 7, type: 'Text', contentType: 'text/plain', size: 11 }],
}

test('a rendered record is the API record once the base URL is put in', () => {
  const json = JSON.parse(withBaseUrl(renderRecord(sms), Buffer.from('https://msg.example.com')).toString())
  assert.deepEqual(json, {
    uri: 'https://msg.example.com/restapi/v1.0/account/178009004/extension/178009005/message-store/6424569004',
    id: 6424569004,
    to: [{ phoneNumber: '+13125559821', name: 'Jane' }],
    from: { phoneNumber: '+16505558379' },
    type: 'SMS',
    creationTime: '2019-05-22T17:07:28.000Z',
    readStatus: 'Unread',
    priority: 'Normal',
    attachments: [
      {
        id: 7,
        uri: 'https://msg.example.com/restapi/v1.0/account/178009004/extension/178009005/message-store/6424569004/content/7',
        type: 'Text',
        contentType: 'text/plain',
        size: 11,
      },
    ],
    direction: 'Inbound',
    availability: 'Alive',
    subject: 'tricky \u0001 "quoted" \\u0001 text',
    messageStatus: 'Received',
    conversationId: 8031152018338945,
    conversation: {
      id: '8031152018338945',
      uri: 'https://msg.example.com/restapi/v1.0/conversation/8031152018338945',
    },
    lastModifiedTime: '2019-05-22T17:07:28.091Z',
  })
})

test('type-specific fields appear only when set, and a voicemail has no conversation', () => {
  const vm: Message = {
    ...sms,
    type: 'VoiceMail',
    subject: undefined,
    conversationId: undefined,
    extra: { vmTranscriptionStatus: 'NotAvailable' },
    attachments: [{ id: 8, type: 'AudioRecording', contentType: 'audio/wav', size: 100, vmDuration: 25 }],
  }
  const json = JSON.parse(withBaseUrl(renderRecord(vm), Buffer.from('http://x')).toString())
  assert.equal(json.vmTranscriptionStatus, 'NotAvailable')
  assert.equal(json.attachments[0].vmDuration, 25)
  assert.equal('conversationId' in json, false)
  assert.equal('subject' in json, false)
})
