import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ALICE,
  BOB,
  login,
  MAIN_NUMBER,
  OLGA,
  type Platform,
  READONLY_APP,
  sdkError,
  startProvisioned,
} from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

/** The account surface through the official SDK: account, extensions, phone numbers. */

let server: RunningServer
let alice: Platform // SuperAdmin of 1001
let bob: Platform // User of 1001
let olga: Platform // SuperAdmin of 2001
let readonly: Platform // Alice through an app without ReadAccounts

before(async () => {
  server = await startProvisioned()
  ;[alice, bob, olga, readonly] = await Promise.all([
    login(server.baseUrl, ALICE),
    login(server.baseUrl, BOB),
    login(server.baseUrl, OLGA),
    login(server.baseUrl, ALICE, READONLY_APP),
  ])
})
after(async () => {
  await server.stop()
})

async function body(platform: Platform, path: string, query?: Record<string, unknown>) {
  const res = await platform.get(path, query)
  assert.equal(res.status, 200)
  return res.json()
}

function assertError(
  res: { status: number; body: any },
  status: number,
  errorCode: string,
  parameter?: string,
) {
  assert.equal(res.status, status, JSON.stringify(res.body))
  assert.equal(res.body.errorCode, errorCode)
  assert.equal(res.body.errors[0].errorCode, errorCode)
  if (parameter) assert.equal(res.body.errors[0].parameterName, parameter)
}

describe('GET /restapi/v1.0/account/{accountId}', () => {
  test('answers the caller’s account with ~ and by id, for a user as for an admin', async () => {
    for (const platform of [alice, bob]) {
      for (const path of ['/restapi/v1.0/account/~', '/restapi/v1.0/account/1001']) {
        const account = await body(platform, path)
        assert.equal(account.id, 1001)
        assert.equal(account.uri, `${server.baseUrl}/restapi/v1.0/account/1001`)
        assert.equal(account.mainNumber, MAIN_NUMBER)
        assert.equal(account.status, 'Confirmed')
        assert.equal(account.serviceInfo.brand.name, 'RingCentral')
        assert.equal(account.regionalSettings.homeCountry.isoCode, 'US')
        assert.equal(account.regionalSettings.timezone.name, 'US/Pacific')
      }
    }
  })

  test('another account is 403 CMN-404; an app without ReadAccounts 403 CMN-401', async () => {
    assertError(await sdkError(olga.get('/restapi/v1.0/account/1001')), 403, 'CMN-404')
    assertError(await sdkError(readonly.get('/restapi/v1.0/account/~')), 403, 'CMN-401')
  })
})

describe('GET …/extension/{extensionId}', () => {
  test('a user reads their own extension, with ~ and by id', async () => {
    for (const path of [
      '/restapi/v1.0/account/~/extension/~',
      '/restapi/v1.0/account/1001/extension/62002',
    ]) {
      const ext = await body(bob, path)
      assert.equal(ext.id, 62002)
      assert.equal(ext.uri, `${server.baseUrl}/restapi/v1.0/account/1001/extension/62002`)
      assert.equal(ext.extensionNumber, '102')
      assert.equal(ext.name, 'Bob')
      assert.equal(ext.type, 'User')
      assert.equal(ext.status, 'Enabled')
      assert.equal(ext.contact.firstName, 'Bob')
      assert.equal(ext.contact.company, 'Acme Inc')
      assert.equal(ext.permissions.admin.enabled, false)
      assert.deepEqual(ext.account, { uri: `${server.baseUrl}/restapi/v1.0/account/1001`, id: 1001 })
      assert.equal(ext.regionalSettings.language.localeCode, 'en-US')
    }
  })

  test('a SuperAdmin reads any extension of the account, and is shown as admin', async () => {
    const own = await body(alice, '/restapi/v1.0/account/~/extension/~')
    assert.equal(own.permissions.admin.enabled, true)
    assert.deepEqual([own.contact.firstName, own.contact.lastName], ['Alice', 'Admin'])
    const dora = await body(alice, '/restapi/v1.0/account/~/extension/62003')
    assert.equal(dora.status, 'Disabled')
    const sales = await body(alice, '/restapi/v1.0/account/~/extension/62900')
    assert.equal(sales.type, 'Department')
  })

  test('another extension, another account, an unknown id and a missing permission are refused', async () => {
    assertError(await sdkError(bob.get('/restapi/v1.0/account/~/extension/62001')), 403, 'CMN-404')
    assertError(await sdkError(olga.get('/restapi/v1.0/account/1001/extension/62001')), 403, 'CMN-404')
    assertError(await sdkError(alice.get('/restapi/v1.0/account/~/extension/72001')), 404, 'CMN-102')
    assertError(await sdkError(alice.get('/restapi/v1.0/account/~/extension/abc')), 404, 'CMN-102')
    assertError(await sdkError(readonly.get('/restapi/v1.0/account/~/extension/~')), 403, 'CMN-401')
  })
})

describe('GET …/account/{accountId}/extension', () => {
  const LIST = '/restapi/v1.0/account/~/extension'
  const numbers = (list: any) => list.records.map((r: { extensionNumber: string }) => r.extensionNumber)

  test('lists the account’s extensions in extension number order', async () => {
    const list = await body(alice, LIST)
    assert.deepEqual(numbers(list), ['101', '102', '103', '200'])
    assert.equal(list.records[1].id, 62002)
    assert.equal(list.records[1].uri, `${server.baseUrl}/restapi/v1.0/account/1001/extension/62002`)
    assert.deepEqual(list.paging, {
      page: 1,
      totalPages: 1,
      perPage: 100,
      totalElements: 4,
      pageStart: 0,
      pageEnd: 3,
    })
    assert.equal(list.uri, `${server.baseUrl}/restapi/v1.0/account/1001/extension?page=1&perPage=100`)
  })

  test('filters by extensionNumber, type and status (repeated or comma-separated)', async () => {
    assert.deepEqual(numbers(await body(alice, LIST, { extensionNumber: '102' })), ['102'])
    assert.deepEqual(numbers(await body(alice, LIST, { type: 'Department' })), ['200'])
    assert.deepEqual(numbers(await body(alice, LIST, { status: 'Disabled' })), ['103'])
    assert.deepEqual(numbers(await body(alice, LIST, { status: ['Disabled', 'Frozen'], type: 'User' })), [
      '103',
    ])
    assert.deepEqual(numbers(await body(alice, LIST, { type: 'User,Department', status: 'Enabled' })), [
      '101',
      '102',
      '200',
    ])
    assert.deepEqual(numbers(await body(alice, LIST, { type: 'IvrMenu' })), [])
    assert.deepEqual(numbers(await body(alice, LIST, { extensionNumber: '999' })), [])
  })

  test('pages, with navigation links that keep the filters', async () => {
    const first = await body(alice, LIST, { type: 'User', perPage: 2 })
    assert.deepEqual(numbers(first), ['101', '102'])
    assert.deepEqual(first.paging, {
      page: 1,
      totalPages: 2,
      perPage: 2,
      totalElements: 3,
      pageStart: 0,
      pageEnd: 1,
    })
    assert.equal(first.navigation.previousPage, undefined)
    const next = new URL(first.navigation.nextPage.uri)
    assert.equal(next.searchParams.get('type'), 'User')
    const second = await body(alice, first.navigation.nextPage.uri)
    assert.deepEqual(numbers(second), ['103'])
    assert.deepEqual(second.paging, {
      page: 2,
      totalPages: 2,
      perPage: 2,
      totalElements: 3,
      pageStart: 2,
      pageEnd: 2,
    })
    assert.equal(second.navigation.nextPage, undefined)
    assert.equal(second.navigation.lastPage.uri, second.uri)
    assert.deepEqual(numbers(await body(alice, second.navigation.previousPage.uri)), ['101', '102'])
    const beyond = await body(alice, LIST, { page: 5, perPage: 2 })
    assert.deepEqual(beyond.records, [])
    assert.equal(beyond.paging.pageStart, undefined)
  })

  test('bad filters and paging are 400 CMN-101 naming the parameter', async () => {
    assertError(await sdkError(alice.get(LIST, { type: 'Robot' })), 400, 'CMN-101', 'type')
    assertError(await sdkError(alice.get(LIST, { status: 'Asleep' })), 400, 'CMN-101', 'status')
    assertError(await sdkError(alice.get(LIST, { page: 0 })), 400, 'CMN-101', 'page')
    assertError(await sdkError(alice.get(LIST, { perPage: 'all' })), 400, 'CMN-101', 'perPage')
  })

  test('is a SuperAdmin’s: a user gets 403 CMN-402, another account CMN-404, no ReadAccounts CMN-401', async () => {
    assertError(await sdkError(bob.get(LIST)), 403, 'CMN-402')
    assertError(await sdkError(olga.get('/restapi/v1.0/account/1001/extension')), 403, 'CMN-404')
    assertError(await sdkError(readonly.get(LIST)), 403, 'CMN-401')
  })
})

describe('phone numbers', () => {
  test('an extension’s numbers carry a direct number’s defaults', async () => {
    const list = await body(bob, '/restapi/v1.0/account/~/extension/~/phone-number')
    assert.equal(list.records.length, 1)
    const [n] = list.records
    assert.equal(n.phoneNumber, BOB.username)
    assert.equal(n.id, 16505550102)
    assert.equal(n.usageType, 'DirectNumber')
    assert.equal(n.type, 'VoiceFax')
    assert.equal(n.paymentType, 'Local')
    assert.deepEqual([...n.features].sort(), ['CallerId', 'InternationalSmsSender', 'MmsSender', 'SmsSender'])
    assert.equal(n.extension.id, 62002)
    assert.equal(n.country.isoCode, 'US')
    assert.equal(list.paging.totalElements, 1)
  })

  test('another extension’s numbers are a SuperAdmin’s to read', async () => {
    const list = await body(alice, '/restapi/v1.0/account/~/extension/62002/phone-number')
    assert.deepEqual(
      list.records.map((r: { phoneNumber: string }) => r.phoneNumber),
      [BOB.username],
    )
    assertError(
      await sdkError(bob.get('/restapi/v1.0/account/~/extension/62001/phone-number')),
      403,
      'CMN-404',
    )
    assertError(
      await sdkError(olga.get('/restapi/v1.0/account/1001/extension/~/phone-number')),
      403,
      'CMN-404',
    )
    assertError(
      await sdkError(readonly.get('/restapi/v1.0/account/~/extension/~/phone-number')),
      403,
      'CMN-401',
    )
  })

  test('the account’s numbers: the main number first, then each extension’s, paged and filtered', async () => {
    const PATH = '/restapi/v1.0/account/~/phone-number'
    const all = await body(alice, PATH)
    assert.deepEqual(
      all.records.map((r: { phoneNumber: string }) => r.phoneNumber),
      [MAIN_NUMBER, '+16505550101', '+16505550102', '+16505550103'],
    )
    assert.equal(all.records[0].usageType, 'MainCompanyNumber')
    assert.deepEqual(all.records[0].features, ['CallerId'])
    assert.equal(all.records[0].extension, undefined)
    assert.equal(all.records[3].extension.extensionNumber, '103')
    const direct = await body(alice, PATH, { usageType: 'DirectNumber', perPage: 2, page: 2 })
    assert.deepEqual(
      direct.records.map((r: { phoneNumber: string }) => r.phoneNumber),
      ['+16505550103'],
    )
    assert.equal(direct.paging.totalElements, 3)
    assert.match(direct.navigation.firstPage.uri, /usageType=DirectNumber/)
    assertError(await sdkError(alice.get(PATH, { usageType: 'Mobile' })), 400, 'CMN-101', 'usageType')
    assertError(await sdkError(bob.get(PATH)), 403, 'CMN-402')
    assertError(await sdkError(olga.get('/restapi/v1.0/account/1001/phone-number')), 403, 'CMN-404')
  })
})
