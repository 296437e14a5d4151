import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CAROL, DAN, FEATURED_FILE, LOBBY_NUMBER, NUMBERS_MAIN, SUPPORT_NUMBER } from '../helpers/numbers.js'
import { login, type Platform, startProvisioned } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

// Numbers with features, types and usage types, and company numbers naming their SMS extension.
let server: RunningServer
let carol: Platform

before(async () => {
  server = await startProvisioned()
  const res = await server.admin('POST', '/admin/v1/provision', FEATURED_FILE)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  carol = await login(server.baseUrl, CAROL)
})
after(async () => {
  await server.stop()
})

const ACCOUNT_NUMBERS = '/restapi/v1.0/account/~/phone-number'
async function numbers(platform: Platform, path = ACCOUNT_NUMBERS) {
  const res = await platform.get(path)
  return (await res.json()).records as any[]
}
const byNumber = (records: any[], n: string) => records.find((r) => r.phoneNumber === n)

function withFile(change: (file: any) => void) {
  const file = structuredClone(FEATURED_FILE) as any
  change(file)
  return file
}

describe('numbers in the provisioning file', () => {
  test('carry the features, type and usage type given, and defaults where none are', async () => {
    const all = await numbers(carol)
    assert.deepEqual(
      all.map((r) => [r.phoneNumber, r.usageType, r.type]),
      [
        [NUMBERS_MAIN, 'MainCompanyNumber', 'VoiceFax'],
        [SUPPORT_NUMBER, 'CompanyNumber', 'VoiceFax'],
        [LOBBY_NUMBER, 'CompanyFaxNumber', 'FaxOnly'],
        [CAROL.username, 'DirectNumber', 'VoiceFax'],
        [DAN.username, 'DirectNumber', 'VoiceOnly'],
        ['+13125550103', 'DirectNumber', 'FaxOnly'],
        ['+13125550111', 'DirectNumber', 'VoiceOnly'],
      ],
    )
    assert.deepEqual(byNumber(all, NUMBERS_MAIN).features, ['CallerId', 'SmsSender', 'MmsSender'])
    assert.deepEqual(byNumber(all, SUPPORT_NUMBER).features, ['CallerId', 'SmsSender'])
    assert.deepEqual(byNumber(all, LOBBY_NUMBER).features, ['CallerId'])
    assert.deepEqual(byNumber(all, DAN.username).features, ['CallerId', 'SmsSender'])
    assert.deepEqual(byNumber(all, '+13125550103').features, [])
  })

  test('an extension’s list shows the company numbers it texts for after its own', async () => {
    const own = await numbers(carol, '/restapi/v1.0/account/~/extension/~/phone-number')
    assert.deepEqual(
      own.map((r) => [r.phoneNumber, r.usageType]),
      [
        [CAROL.username, 'DirectNumber'],
        ['+13125550111', 'DirectNumber'],
        [NUMBERS_MAIN, 'MainCompanyNumber'],
      ],
    )
    const dans = await numbers(carol, `/restapi/v1.0/account/~/extension/${DAN.id}/phone-number`)
    assert.deepEqual(
      dans.map((r) => r.phoneNumber),
      [DAN.username, SUPPORT_NUMBER],
    )
  })

  test('applying the file again changes nothing', async () => {
    const before = await numbers(carol)
    const res = await server.admin('POST', '/admin/v1/provision', FEATURED_FILE)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.deepEqual(await numbers(carol), before)
  })

  test('bad features, types and SMS extensions are refused naming the field, and nothing is applied', async () => {
    const before = await numbers(carol)
    const cases: [any, string][] = [
      [
        withFile((f) => {
          f.accounts[0].extensions[0].phoneNumbers[1].features = ['CallerId', 'Teleport']
        }),
        'accounts[0].extensions[0].phoneNumbers[1].features[1]',
      ],
      [
        withFile((f) => {
          f.accounts[0].extensions[1].phoneNumbers[0].type = 'Carrier pigeon'
        }),
        'accounts[0].extensions[1].phoneNumbers[0].type',
      ],
      [
        withFile((f) => {
          f.accounts[0].extensions[1].phoneNumbers[0].features = ['SmsSender', 'SmsSender']
        }),
        'accounts[0].extensions[1].phoneNumbers[0].features',
      ],
      [
        withFile((f) => {
          f.accounts[0].companyNumbers[0].features = 'SmsSender'
        }),
        'accounts[0].companyNumbers[0].features',
      ],
      [
        withFile((f) => {
          f.accounts[0].companyNumbers[0].smsExtension = '999'
        }),
        'accounts[0].companyNumbers[0].smsExtension',
      ],
      [
        withFile((f) => {
          f.accounts[0].mainNumber.smsExtension = '300'
        }),
        'accounts[0].mainNumber.smsExtension',
      ],
      [
        withFile((f) => {
          f.accounts[0].companyNumbers[1].phoneNumber = DAN.username
        }),
        'accounts[0].extensions[1].phoneNumbers[0].phoneNumber',
      ],
      [
        // A number of another account (the standard file's Alice).
        withFile((f) => {
          f.accounts[0].companyNumbers[1].phoneNumber = '+16505550101'
        }),
        'accounts[0].companyNumbers[1].phoneNumber',
      ],
    ]
    for (const [file, field] of cases) {
      const res = await server.admin('POST', '/admin/v1/provision', file)
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.errorCode, 'CMN-101')
      assert.equal(res.body.errors[0].parameterName, field)
    }
    assert.deepEqual(await numbers(carol), before)
  })

  test('naming another SMS extension moves the company number to it', async () => {
    const moved = withFile((f) => {
      f.accounts[0].mainNumber = { phoneNumber: NUMBERS_MAIN, smsExtension: '102' }
    })
    assert.equal((await server.admin('POST', '/admin/v1/provision', moved)).status, 200)
    const carols = await numbers(carol, '/restapi/v1.0/account/~/extension/~/phone-number')
    assert.equal(byNumber(carols, NUMBERS_MAIN), undefined)
    const dans = await numbers(carol, `/restapi/v1.0/account/~/extension/${DAN.id}/phone-number`)
    assert.equal(byNumber(dans, NUMBERS_MAIN).usageType, 'MainCompanyNumber')
    // The plain form gives the main number its defaults again: nobody texts for it.
    const plain = withFile((f) => {
      f.accounts[0].mainNumber = NUMBERS_MAIN
    })
    assert.equal((await server.admin('POST', '/admin/v1/provision', plain)).status, 200)
    assert.deepEqual(byNumber(await numbers(carol), NUMBERS_MAIN).features, ['CallerId'])
    assert.equal((await server.admin('POST', '/admin/v1/provision', FEATURED_FILE)).status, 200)
  })
})
