import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ALICE, BOB, login, type Platform, sdkError } from '../helpers/sdk.js'
import { messages, post, startSendingServer } from '../helpers/sending.js'
import { type RunningServer, STANDARD_FILE } from '../helpers/server.js'

const CAROL = { username: '+16505550104', extension: '104', password: 'carol-secret', id: '62004' }

/** STANDARD_FILE plus Carol (104), a Frozen extension (105), and department 200 as given. */
function directory(members: string[]) {
  const file = structuredClone(STANDARD_FILE) as any
  const account = file.accounts[0]
  account.extensions.push(
    {
      id: '62004',
      extensionNumber: '104',
      name: 'Carol',
      password: 'carol-secret',
      phoneNumbers: ['+16505550104'],
    },
    { id: '62005', extensionNumber: '105', name: 'Fred Frozen', status: 'Frozen', password: 'fred-secret' },
  )
  account.extensions.find((e: any) => e.extensionNumber === '200').members = members
  return file
}

async function provision(members: string[]) {
  const res = await server.admin('POST', '/admin/v1/provision', directory(members))
  assert.equal(res.status, 200, JSON.stringify(res.body))
}

let server: RunningServer
let alice: Platform
let bob: Platform
let carol: Platform

before(async () => {
  server = await startSendingServer()
  await provision(['101', '102', '103', '104'])
  alice = await login(server.baseUrl, ALICE)
  bob = await login(server.baseUrl, BOB)
  carol = await login(server.baseUrl, CAROL)
})
after(async () => {
  await server.stop()
})

const page = (platform: Platform, body: unknown) => post(platform, '/company-pager', body)
const inbox = (platform: Platform, conversationId: number) =>
  messages(platform, { messageType: 'Pager', direction: 'Inbound', conversationId })

describe('company pager', () => {
  test('to several extensions, by extensionNumber and by extensionId', async () => {
    const sent = await page(alice, {
      from: { extensionNumber: '101' },
      to: [{ extensionNumber: '102' }, { extensionId: CAROL.id }],
      text: 'Lunch?',
    })
    assert.equal(sent.type, 'Pager')
    assert.equal(sent.direction, 'Outbound')
    assert.equal(sent.messageStatus, 'Sent')
    assert.equal(sent.pgToDepartment, false)
    assert.deepEqual(sent.from, { extensionNumber: '101', extensionId: ALICE.id, name: 'Alice Admin' })
    assert.deepEqual(
      sent.to.map((t: any) => t.extensionNumber),
      ['102', '104'],
    )
    for (const platform of [bob, carol]) {
      const [copy] = await inbox(platform, sent.conversationId)
      assert.equal(copy.messageStatus, 'Received')
      assert.equal(copy.subject, 'Lunch?')
      assert.equal(copy.conversationId, sent.conversationId)
      assert.equal(copy.pgToDepartment, false)
    }
  })

  test('to a department: its enabled members but the sender, pgToDepartment set', async () => {
    const sent = await page(alice, { to: [{ extensionNumber: '200' }], text: 'Sales meeting at 3' })
    assert.equal(sent.pgToDepartment, true)
    assert.deepEqual(
      sent.to.map((t: any) => t.extensionNumber),
      ['200'],
    )
    assert.equal((await inbox(bob, sent.conversationId))[0].pgToDepartment, true)
    assert.equal((await inbox(carol, sent.conversationId)).length, 1)
    assert.equal((await inbox(alice, sent.conversationId)).length, 0)
    // The Disabled member (103) is skipped: SuperAdmin Alice looks into its mailbox.
    const dora = await alice.get('/restapi/v1.0/account/~/extension/62003/message-store', {
      conversationId: sent.conversationId,
      dateFrom: '2000-01-01T00:00:00Z',
      dateTo: '2100-01-01T00:00:00Z',
    })
    assert.equal((await dora.json()).records.length, 0)
  })

  test('to a Disabled or Frozen extension directly: 400 MSG-324', async () => {
    for (const to of [[{ extensionNumber: '103' }], [{ extensionNumber: '200' }, { extensionId: '62005' }]]) {
      const res = await sdkError(
        alice.post('/restapi/v1.0/account/~/extension/~/company-pager', { to, text: 'x' }),
      )
      assert.equal(res.status, 400)
      assert.equal(res.body.errorCode, 'MSG-324')
      assert.equal(res.body.errors[0].parameterName, 'to')
    }
  })

  test('a reply thread: replyOn reaches the other participants, in the same conversation', async () => {
    const first = await page(alice, {
      to: [{ extensionNumber: '102' }, { extensionNumber: '104' }],
      text: 'Q1 plan?',
    })
    const [bobsCopy] = await inbox(bob, first.conversationId)
    const reply = await page(bob, { replyOn: bobsCopy.id, text: 'Looks good' })
    assert.equal(reply.conversationId, first.conversationId)
    assert.deepEqual(reply.to.map((t: any) => t.extensionNumber).sort(), ['101', '104'])
    const [aliceCopy] = await inbox(alice, first.conversationId)
    assert.equal(aliceCopy.subject, 'Looks good')
    assert.equal(aliceCopy.from.extensionNumber, '102')
    // The thread is the conversation of Alice, Bob and Carol (the first test's too).
    const carols = (await inbox(carol, first.conversationId)).map((m: any) => m.subject)
    assert.deepEqual(carols.slice(0, 2), ['Looks good', 'Q1 plan?'])
    // Alice answers on the copy she received.
    const again = await page(alice, { replyOn: aliceCopy.id, text: 'Great' })
    assert.equal(again.conversationId, first.conversationId)
    assert.equal((await inbox(bob, first.conversationId))[0].subject, 'Great')
  })

  test('a reply from someone who has left the department the thread was sent to: 403 MSG-326', async () => {
    const sent = await page(alice, { to: [{ extensionNumber: '200' }], text: 'Team only' })
    const [bobsCopy] = await inbox(bob, sent.conversationId)
    const [carolsCopy] = await inbox(carol, sent.conversationId)
    await provision(['101', '103', '104'])
    try {
      const res = await sdkError(
        bob.post('/restapi/v1.0/account/~/extension/~/company-pager', {
          replyOn: bobsCopy.id,
          text: 'me too',
        }),
      )
      assert.equal(res.status, 403)
      assert.equal(res.body.errorCode, 'MSG-326')
      // Carol is still a member: her reply reaches Alice, not Bob.
      const reply = await page(carol, { replyOn: carolsCopy.id, text: 'still here' })
      assert.equal(reply.conversationId, sent.conversationId)
      assert.equal((await inbox(alice, sent.conversationId))[0].subject, 'still here')
      assert.equal((await inbox(bob, sent.conversationId))[0].subject, 'Team only')
    } finally {
      await provision(['101', '102', '103', '104'])
    }
  })
})
