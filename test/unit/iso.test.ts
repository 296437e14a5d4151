import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseIsoDate, parseIsoDuration } from '../../src/lib/iso.js'

test('parses ISO 8601 date-times with and without zone and fraction', () => {
  assert.equal(parseIsoDate('2019-01-01T00:00:00.000Z'), Date.UTC(2019, 0, 1))
  assert.equal(parseIsoDate('2019-03-31T23:59:59.999Z'), Date.UTC(2019, 2, 31, 23, 59, 59, 999))
  assert.equal(parseIsoDate('2019-01-01T02:00:00+02:00'), Date.UTC(2019, 0, 1))
  assert.equal(parseIsoDate('2019-01-01T02:00:00+0200'), Date.UTC(2019, 0, 1))
  assert.equal(parseIsoDate('2019-01-01'), Date.UTC(2019, 0, 1))
})

test('refuses text that is not a real date', () => {
  for (const bad of ['yesterday', '2019-02-30', '2019-13-01', '2019-01-01T25:00:00Z', '', '1546300800000']) {
    assert.equal(parseIsoDate(bad), undefined, bad)
  }
})

test('parses ISO 8601 durations into milliseconds', () => {
  assert.equal(parseIsoDuration('PT36H'), 36 * 3600_000)
  assert.equal(parseIsoDuration('P5D'), 5 * 86400_000)
  assert.equal(parseIsoDuration('P1DT1H1M1S'), 86400_000 + 3600_000 + 60_000 + 1000)
  assert.equal(parseIsoDuration('PT0.5S'), 500)
  for (const bad of ['P', 'PT', '36H', 'PT-1H', 'P1Y', 'soon'])
    assert.equal(parseIsoDuration(bad), undefined, bad)
})
