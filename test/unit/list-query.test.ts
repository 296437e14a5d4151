import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ApiError } from '../../src/domain/errors.js'
import { parseListQuery } from '../../src/domain/message/list-query.js'

const now = Date.UTC(2026, 0, 2)

test('defaults: Alive only, the 24 hours before now, page 1 of 100', () => {
  const q = parseListQuery({}, now)
  assert.deepEqual(q.availability, ['Alive'])
  assert.equal(q.dateTo, now)
  assert.equal(q.dateFrom, now - 86400_000)
  assert.equal(q.page, 1)
  assert.equal(q.perPage, 100)
  assert.equal(q.distinctConversations, false)
})

test('the default window ends at dateTo when only dateTo is given', () => {
  const q = parseListQuery({ dateTo: '2025-06-01T00:00:00Z' }, now)
  assert.equal(q.dateFrom, Date.UTC(2025, 4, 31))
})

test('repeated and comma-separated values are both read', () => {
  assert.deepEqual(parseListQuery({ messageType: ['SMS', 'Fax'] }, now).messageType, ['SMS', 'Fax'])
  assert.deepEqual(parseListQuery({ messageType: 'SMS,VoiceMail' }, now).messageType, ['SMS', 'VoiceMail'])
})

test('perPage above 1000 is clamped', () => {
  assert.equal(parseListQuery({ perPage: '5000' }, now).perPage, 1000)
})

test('bad values are 400 CMN-101 naming the parameter', () => {
  const cases: [Record<string, string>, string][] = [
    [{ messageType: 'Email' }, 'messageType'],
    [{ readStatus: 'Seen' }, 'readStatus'],
    [{ availability: 'Gone' }, 'availability'],
    [{ direction: 'Sideways' }, 'direction'],
    [{ dateFrom: 'yesterday' }, 'dateFrom'],
    [{ dateTo: '2019-02-30T00:00:00Z' }, 'dateTo'],
    [{ page: '0' }, 'page'],
    [{ page: 'two' }, 'page'],
    [{ perPage: '-5' }, 'perPage'],
    [{ perPage: '1.5' }, 'perPage'],
    [{ distinctConversations: 'maybe' }, 'distinctConversations'],
    [{ conversationId: 'abc' }, 'conversationId'],
  ]
  for (const [query, name] of cases) {
    assert.throws(
      () => parseListQuery(query, now),
      (err: unknown) =>
        err instanceof ApiError &&
        err.status === 400 &&
        err.errorCode === 'CMN-101' &&
        err.parameterName === name,
      name,
    )
  }
})
