import assert from 'node:assert/strict'
import { test } from 'node:test'
import { scrubSecrets } from '../../src/lib/log-redaction.js'

test('secret query parameters and credentials are masked, the rest of the text kept', () => {
  assert.equal(
    scrubSecrets('/restapi/v1.0/x/content/4?access_token=abc.DEF-1&perPage=2&Token=z;code=9'),
    '/restapi/v1.0/x/content/4?access_token=[redacted]&perPage=2&Token=[redacted];code=[redacted]',
  )
  assert.equal(
    scrubSecrets('header Bearer abc+/= and basic dXNlcjpwdw=='),
    'header Bearer [redacted] and basic [redacted]',
  )
  assert.equal(scrubSecrets('/restapi/v1.0?mytoken=1&tokens=2'), '/restapi/v1.0?mytoken=1&tokens=2')
})
