import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { PNG } from '../helpers/documents.js'
import {
  CAROL,
  CAROL_VOICE,
  DAN,
  ERIN,
  FEATURED_FILE,
  LOBBY_NUMBER,
  NUMBERS_MAIN,
  SUPPORT_NUMBER,
} from '../helpers/numbers.js'
import { login, type Platform, sdkError, startProvisioned } from '../helpers/sdk.js'
import { EXT, messages, multipart, OUTSIDE } from '../helpers/sending.js'
import type { RunningServer } from '../helpers/server.js'

// Sending honours what each number may do, and company numbers text for one extension.
let server: RunningServer
let carol: Platform // SuperAdmin; texts for the main number
let dan: Platform // a texting-only, voice-only number; texts for the support number
let erin: Platform // a fax-only number

before(async () => {
  server = await startProvisioned({ args: ['--clock', 'manual'] })
  const res = await server.admin('POST', '/admin/v1/provision', FEATURED_FILE)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  ;[carol, dan, erin] = await Promise.all([
    login(server.baseUrl, CAROL),
    login(server.baseUrl, DAN),
    login(server.baseUrl, ERIN),
  ])
})
after(async () => {
  await server.stop()
})

const sms = (from: string, text = 'hello', to = OUTSIDE) => ({
  from: { phoneNumber: from },
  to: [{ phoneNumber: to }],
  text,
})

async function sendSms(platform: Platform, from: string, to = OUTSIDE) {
  const res = await platform.post(`${EXT}/sms`, sms(from, `from ${from}`, to))
  assert.equal(res.status, 200)
  return res.json()
}

function assertRefused(res: { status: number; body: any }, status: number, errorCode: string) {
  assert.equal(res.status, status, JSON.stringify(res.body))
  assert.equal(res.body.errorCode, errorCode)
}

describe('SMS', () => {
  test('goes out from a number with SmsSender', async () => {
    assert.equal((await sendSms(carol, CAROL.username)).from.phoneNumber, CAROL.username)
    assert.equal((await sendSms(dan, DAN.username)).from.phoneNumber, DAN.username)
  })

  test('a number without SmsSender is 403 MSG-242; a fax-only number 403 MSG-241', async () => {
    assertRefused(await sdkError(carol.post(`${EXT}/sms`, sms(CAROL_VOICE))), 403, 'MSG-242')
    assertRefused(await sdkError(erin.post(`${EXT}/sms`, sms(ERIN.username))), 403, 'MSG-241')
  })

  test('the main number sends only for the extension named for it', async () => {
    const sent = await sendSms(carol, NUMBERS_MAIN)
    assert.equal(sent.from.phoneNumber, NUMBERS_MAIN)
    const [stored] = await messages(carol, { conversationId: sent.conversationId })
    assert.equal(stored.id, sent.id)
    assertRefused(await sdkError(dan.post(`${EXT}/sms`, sms(NUMBERS_MAIN))), 403, 'MSG-304')
    assertRefused(await sdkError(erin.post(`${EXT}/sms`, sms(NUMBERS_MAIN))), 403, 'MSG-304')
  })

  test('so does another company number; one nobody texts for sends for nobody', async () => {
    assert.equal((await sendSms(dan, SUPPORT_NUMBER)).from.phoneNumber, SUPPORT_NUMBER)
    assertRefused(await sdkError(carol.post(`${EXT}/sms`, sms(SUPPORT_NUMBER))), 403, 'MSG-304')
    assertRefused(await sdkError(carol.post(`${EXT}/sms`, sms(LOBBY_NUMBER))), 403, 'MSG-304')
  })
})

describe('MMS', () => {
  const mms = (platform: Platform, from: string) =>
    platform.post(
      `${EXT}/mms`,
      multipart(sms(from, 'picture'), [{ bytes: PNG, name: 'dot.png', type: 'image/png' }], null),
    )

  test('needs MmsSender', async () => {
    const res = await mms(carol, CAROL.username)
    assert.equal(res.status, 200)
    assert.equal((await res.json()).attachments.length, 2)
    assertRefused(await sdkError(mms(dan, DAN.username)), 403, 'MSG-242')
    // The support number texts but has no MmsSender.
    assertRefused(await sdkError(mms(dan, SUPPORT_NUMBER)), 403, 'MSG-242')
  })
})

describe('fax', () => {
  const fax = (platform: Platform) =>
    platform.post(
      `${EXT}/fax`,
      multipart({ to: [{ phoneNumber: OUTSIDE }], coverIndex: 0 }, [
        { bytes: 'a page of text', name: 'page.txt', type: 'text/plain' },
      ]),
    )

  test('goes out from the first number that can fax, and is refused from voice-only numbers (403 MSG-341)', async () => {
    const fromErin = await fax(erin)
    assert.equal(fromErin.status, 200)
    assert.equal((await fromErin.json()).from.phoneNumber, ERIN.username)
    const fromCarol = await (await fax(carol)).json()
    assert.equal(fromCarol.from.phoneNumber, CAROL.username)
    assertRefused(await sdkError(fax(dan)), 403, 'MSG-341')
  })
})

describe('texts to a company number', () => {
  test('from outside land in the mailbox of the extension named for it', async () => {
    const res = await server.admin('POST', '/admin/v1/accounts/3001/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [NUMBERS_MAIN],
      text: 'to the company',
    })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    assert.deepEqual(
      res.body.messages.map((m: { extensionId: string }) => m.extensionId),
      [CAROL.id],
    )
    const received = (await messages(carol, { direction: 'Inbound' })).find(
      (m) => m.subject === 'to the company',
    )
    assert.equal(received.to[0].phoneNumber, NUMBERS_MAIN)
    const toSupport = await server.admin('POST', '/admin/v1/accounts/3001/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [SUPPORT_NUMBER],
      text: 'to support',
    })
    assert.deepEqual(
      toSupport.body.messages.map((m: { extensionId: string }) => m.extensionId),
      [DAN.id],
    )
    const toLobby = await server.admin('POST', '/admin/v1/accounts/3001/inbound', {
      type: 'SMS',
      from: OUTSIDE,
      to: [LOBBY_NUMBER],
      text: 'to nobody',
    })
    assert.equal(toLobby.status, 404)
  })

  test('from inside the account land there too', async () => {
    const sent = await sendSms(carol, CAROL.username, SUPPORT_NUMBER)
    const [received] = await messages(dan, { conversationId: sent.conversationId, direction: 'Inbound' })
    assert.equal(received.subject, `from ${CAROL.username}`)
  })
})
