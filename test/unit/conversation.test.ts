import assert from 'node:assert/strict'
import { test } from 'node:test'
import { conversationIdOf } from '../../src/domain/message/conversation.js'

test('one conversation per set of participants, whatever the order', () => {
  const a = conversationIdOf('1', ['+14155550123', '+16505550101'])
  assert.equal(conversationIdOf('1', ['+16505550101', '+14155550123']), a)
  assert.notEqual(conversationIdOf('1', ['+16505550101', '+14155550124']), a)
  assert.notEqual(conversationIdOf('2', ['+14155550123', '+16505550101']), a)
})

test('conversation ids are safe JavaScript integers', () => {
  for (let i = 0; i < 1000; i++) {
    const id = conversationIdOf('1', [`+1415555${String(i).padStart(4, '0')}`, '+16505550101'])
    assert.ok(Number.isSafeInteger(id) && id > 0)
  }
})
