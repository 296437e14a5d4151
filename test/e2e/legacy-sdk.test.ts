import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { after, before, describe, test } from 'node:test'
import { ALICE, APP, BOB, deliverOne, MAIN_NUMBER, startProvisioned } from '../helpers/sdk.js'
import type { RunningServer } from '../helpers/server.js'

// The older `ringcentral` SDK (v3) of the first seed document: CommonJS, appKey/appSecret,
// and the extension sent as a separate form field.
const require = createRequire(import.meta.url)
const RingCentral = require('ringcentral') as new (options: Record<string, unknown>) => LegacySdk

interface LegacyResponse {
  json(): any
  response(): Response
}
interface LegacyPlatform {
  login(options: { username: string; password: string; extension?: string }): Promise<LegacyResponse>
  get(url: string, query?: Record<string, unknown>): Promise<LegacyResponse>
  refresh(): Promise<LegacyResponse>
  logout(): Promise<LegacyResponse>
  auth(): { accessToken(): string; data(): Record<string, any> }
  loggedIn(): Promise<boolean>
}
interface LegacySdk {
  platform(): LegacyPlatform
}

let server: RunningServer
const id: Record<string, number> = {}
let instances = 0

function legacy(app = APP): LegacyPlatform {
  instances += 1
  const sdk = new RingCentral({
    server: server.baseUrl,
    appKey: app.clientId,
    appSecret: app.clientSecret,
    cachePrefix: `legacy-${instances}-`,
  })
  return sdk.platform()
}

before(async () => {
  server = await startProvisioned()
  const to = [ALICE.username]
  id.jan = await deliverOne(server, {
    type: 'SMS',
    from: '+14155550123',
    to,
    text: 'January',
    creationTime: '2019-01-15T10:00:00.000Z',
  })
  id.mar = await deliverOne(server, {
    type: 'VoiceMail',
    from: '+14155550124',
    to,
    creationTime: '2019-03-31T23:59:59.999Z',
    attachments: [{ contentType: 'audio/wav', base64: 'UklGRg==', vmDuration: 25 }],
  })
  id.apr = await deliverOne(server, {
    type: 'Fax',
    from: '+14155550125',
    to,
    creationTime: '2019-04-01T00:00:00.000Z',
  })
  id.recent = await deliverOne(server, { type: 'SMS', from: '+14155550123', to, text: 'today' })
})
after(async () => {
  await server.stop()
})

describe('the older ringcentral SDK', () => {
  test("logs in and lists exactly as the seed document's sample does", async () => {
    const platform = legacy()
    await platform.login({ username: ALICE.username, password: ALICE.password, extension: ALICE.extension })
    assert.equal(await platform.loggedIn(), true)
    const resp = await platform.get('/account/~/extension/~/message-store', {
      dateFrom: '2019-01-01T00:00:00.000Z',
      dateTo: '2019-03-31T23:59:59.999Z',
    })
    const jsonObj = resp.json()
    assert.deepEqual(
      jsonObj.records.map((r: { id: number; type: string }) => [r.id, r.type]),
      [
        [id.mar, 'VoiceMail'],
        [id.jan, 'SMS'],
      ],
    )
    assert.equal(jsonObj.paging.totalElements, 2)
  })

  test('the token it holds is the owner it logged in as', async () => {
    const platform = legacy()
    await platform.login({ username: MAIN_NUMBER, password: BOB.password, extension: BOB.extension })
    assert.equal(platform.auth().data().owner_id, BOB.id)
  })

  test('lists with the default window and reads one message', async () => {
    const platform = legacy()
    await platform.login({ username: ALICE.username, password: ALICE.password, extension: ALICE.extension })
    const list = (await platform.get('/account/~/extension/~/message-store')).json()
    assert.deepEqual(
      list.records.map((r: { id: number }) => r.id),
      [id.recent],
    )
    const one = (await platform.get(`/account/~/extension/~/message-store/${id.mar}`)).json()
    assert.equal(one.type, 'VoiceMail')
    assert.equal(one.attachments[0].vmDuration, 25)
  })

  test('refreshes and logs out', async () => {
    const platform = legacy()
    await platform.login({ username: ALICE.username, password: ALICE.password, extension: ALICE.extension })
    const before = platform.auth().accessToken()
    await platform.refresh()
    const after = platform.auth().accessToken()
    assert.notEqual(after, before)
    assert.equal((await platform.get('/account/~/extension/~/message-store')).response().status, 200)
    await platform.logout()
    const res = await fetch(`${server.baseUrl}/restapi/v1.0/account/~/extension/~/message-store`, {
      headers: { authorization: `Bearer ${after}` },
    })
    assert.equal(res.status, 401)
  })

  test('a wrong password is refused', async () => {
    const platform = legacy()
    await assert.rejects(
      platform.login({ username: ALICE.username, password: 'wrong', extension: ALICE.extension }),
    )
    assert.equal(await platform.loggedIn(), false)
  })
})
