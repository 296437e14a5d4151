import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { ApiError } from '../../src/domain/errors.js'
import { validateProvisioningFile } from '../../src/domain/provisioning-file.js'

const ok = {
  accounts: [
    {
      name: 'Acme',
      extensions: [
        { extensionNumber: '101', name: 'A', phoneNumbers: ['+16505550101'] },
        { extensionNumber: '200', name: 'Sales', type: 'Department', members: ['101'] },
      ],
    },
  ],
  apps: [{ clientId: 'c', clientSecret: 's' }],
}

function field(input: unknown): string | undefined {
  try {
    validateProvisioningFile(input)
    return undefined
  } catch (err) {
    assert.ok(err instanceof ApiError)
    return err.parameterName
  }
}

test('a valid file passes', () => {
  assert.equal(field(ok), undefined)
})

test('the error names the offending field', () => {
  const badRole = structuredClone(ok) as any
  badRole.accounts[0].extensions[1] = { extensionNumber: '102', name: 'B', role: 'Boss' }
  assert.equal(field(badRole), 'accounts[0].extensions[1].role')

  const badNumber = structuredClone(ok) as any
  badNumber.accounts[0].extensions[0].phoneNumbers = ['650-555']
  assert.equal(field(badNumber), 'accounts[0].extensions[0].phoneNumbers[0]')

  const unknownMember = structuredClone(ok) as any
  unknownMember.accounts[0].extensions[1].members = ['999']
  assert.equal(field(unknownMember), 'accounts[0].extensions[1].members[0]')

  const duplicateNumber = structuredClone(ok) as any
  duplicateNumber.accounts[0].extensions.push({
    extensionNumber: '103',
    name: 'C',
    phoneNumbers: ['+16505550101'],
  })
  assert.equal(field(duplicateNumber), 'accounts[0].extensions[2].phoneNumbers[0]')

  assert.equal(field({ apps: [{ clientId: 'c' }] }), 'apps[0].clientSecret')
  assert.equal(field({ accounts: [{ name: 'x', colour: 'red' }] }), 'accounts[0].colour')
  assert.equal(field([]), '(root)')
})

test('numbers may carry features, type and usage type; company numbers an SMS extension', () => {
  const featured = structuredClone(ok) as any
  featured.accounts[0].mainNumber = { phoneNumber: '+16505550100', smsExtension: '101' }
  featured.accounts[0].companyNumbers = [
    { phoneNumber: '+16505550199', type: 'VoiceOnly', smsExtension: '101' },
  ]
  featured.accounts[0].extensions[0].phoneNumbers.push({
    phoneNumber: '+16505550111',
    type: 'FaxOnly',
    usageType: 'DirectNumber',
    features: ['CallerId'],
  })
  assert.equal(field(featured), undefined)
  featured.accounts[0].extensions[0].phoneNumbers[1].features = ['CallerId', 'Fly']
  assert.equal(field(featured), 'accounts[0].extensions[0].phoneNumbers[1].features[1]')
  featured.accounts[0].extensions[0].phoneNumbers[1].features = ['CallerId']
  featured.accounts[0].companyNumbers[0].smsExtension = '200'
  assert.equal(field(featured), 'accounts[0].companyNumbers[0].smsExtension')
})

test('the operator interface’s example file is valid (read from ../shared when present)', (t) => {
  const spec = new URL('../../../shared/spec/operator-interface.md', import.meta.url)
  if (!existsSync(spec)) return t.skip('../shared/spec/operator-interface.md is absent')
  const text = readFileSync(spec, 'utf8')
  const section = text.slice(text.indexOf('## Provisioning file'))
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(json, 'the provisioning section has a JSON example')
  assert.equal(field(JSON.parse(json)), undefined)
})
