import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SDK } from '@ringcentral/sdk'
import { ALICE, BOB, failure, login, type Platform, READONLY_APP, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

const CONFIG = '/restapi/v1.0/account/~/message-store-configuration'
const READER_APP = { clientId: 'reader-client', clientSecret: 'reader-secret' }

/** `message-store-configuration`: who may read and change it, and which values it takes. */
describe('message store configuration: permissions and bounds', () => {
  let server: RunningServer
  let alice: Platform
  let bob: Platform

  before(async () => {
    server = await startStandard()
    // An app that may read account settings but not change them.
    const res = await server.admin('POST', '/admin/v1/provision', {
      apps: [
        {
          ...READER_APP,
          grantTypes: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
          permissions: ['ReadMessages', 'ReadAccounts'],
        },
      ],
    })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    alice = (await login(server, ALICE)).platform
    bob = (await login(server, BOB)).platform
  })

  after(async () => {
    await server.stop()
  })

  async function readerPlatform(): Promise<Platform> {
    const platform = new SDK({
      server: server.baseUrl,
      ...READER_APP,
      cachePrefix: `reader-${process.pid}-`,
    }).platform()
    const jwt = await server.admin('POST', `/admin/v1/accounts/1001/extensions/${ALICE.id}/jwt`)
    await platform.login({ jwt: jwt.body.jwt })
    return platform
  }

  test('unset at first: an empty configuration; a SuperAdmin sets 7 to 90 days and reads it back', async () => {
    assert.deepEqual(await (await alice.get(CONFIG)).json(), {})
    for (const retentionPeriod of [7, 90, 30]) {
      const res = await alice.put(CONFIG, { retentionPeriod })
      assert.equal(res.status, 200)
      assert.deepEqual(await res.json(), { retentionPeriod })
      assert.deepEqual(await (await alice.get(CONFIG)).json(), { retentionPeriod })
    }
    // By the account's own id too.
    assert.deepEqual(
      await (await alice.get('/restapi/v1.0/account/1001/message-store-configuration')).json(),
      {
        retentionPeriod: 30,
      },
    )
  })

  test('a value that is not an integer from 7 to 90 is a 400 naming retentionPeriod, and changes nothing', async () => {
    const before = await (await alice.get(CONFIG)).json()
    for (const body of [
      { retentionPeriod: '30' },
      { retentionPeriod: 7.5 },
      { retentionPeriod: null },
      { retentionPeriod: 6 },
      { retentionPeriod: 91 },
      { retentionPeriod: 0 },
      { retentionPeriod: -30 },
      { retentionPeriod: true },
      { retentionPeriod: [30] },
      { retentionPeriod: 1e9 },
      {},
      [],
    ]) {
      const res = await failure(alice.put(CONFIG, body))
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.equal(res.body.errorCode, 'CMN-101')
      assert.equal(res.body.errors[0].parameterName, 'retentionPeriod')
    }
    const notJson = await failure(
      alice.send({
        method: 'PUT',
        url: CONFIG,
        body: '{"retentionPeriod":',
        headers: { 'content-type': 'application/json' },
      }),
    )
    assert.equal(notJson.status, 400)
    assert.deepEqual(await (await alice.get(CONFIG)).json(), before)
  })

  test('a user who is not a SuperAdmin can neither read nor change it', async () => {
    // One call at a time: a second call's rejection must not land before it is awaited.
    for (const call of [() => bob.get(CONFIG), () => bob.put(CONFIG, { retentionPeriod: 30 })]) {
      const res = await failure(call())
      assert.equal(res.status, 403)
      assert.equal(res.body.errorCode, 'CMN-402')
    }
  })

  test('another account is out of reach', async () => {
    for (const call of [
      () => alice.get('/restapi/v1.0/account/2001/message-store-configuration'),
      () => alice.put('/restapi/v1.0/account/2001/message-store-configuration', { retentionPeriod: 30 }),
    ]) {
      const res = await failure(call())
      assert.equal(res.status, 403)
      assert.equal(res.body.errorCode, 'CMN-404')
    }
  })

  test('the app needs EditAccounts to change it and ReadAccounts to read it', async () => {
    const reader = await readerPlatform()
    assert.equal((await reader.get(CONFIG)).status, 200)
    const put = await failure(reader.put(CONFIG, { retentionPeriod: 30 }))
    assert.equal(put.status, 403)
    assert.equal(put.body.errorCode, 'CMN-401')
    assert.match(put.body.message, /EditAccounts/)

    const { platform: none } = await login(server, ALICE, READONLY_APP)
    const get = await failure(none.get(CONFIG))
    assert.equal(get.status, 403)
    assert.equal(get.body.errorCode, 'CMN-401')
    assert.match(get.body.message, /ReadAccounts/)
    assert.equal((await failure(none.put(CONFIG, { retentionPeriod: 30 }))).status, 403)
  })
})
