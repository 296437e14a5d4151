import assert from 'node:assert/strict'
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
