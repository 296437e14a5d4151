import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { deliver, OUTSIDE, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

const ALICE = '+16505550101'
const MAILBOX = '/admin/v1/accounts/1001/extensions/62001'

interface Page {
  records: { id: number; messageStatus: string; direction: string; subject?: string }[]
  paging: { perPage: number; newer: string | null; older: string | null }
}

/** The web inbox's folders: paged by key, counted apart, the Outbox on its own (both databases). */
describe('web inbox: folders paged by key', () => {
  let server: RunningServer
  const inbound: number[] = []
  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    // Seven inbound messages a second apart, the newest last.
    for (let i = 1; i <= 7; i++) {
      const [id] = await deliver(server, {
        type: 'SMS',
        to: [ALICE],
        text: `number ${i}`,
        creationTime: `2030-01-01T00:00:0${i}.000Z`,
      })
      inbound.push(id!)
    }
  })
  after(async () => {
    await server?.stop()
  })

  const page = async (folder: string, query = ''): Promise<Page> => {
    const res = await server.admin('GET', `${MAILBOX}/folders/${folder}/messages?${query}`)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return res.body
  }
  const ids = (p: Page) => p.records.map((r) => Number(r.id))
  const newestFirst = () => [...inbound].reverse()

  it('pages forward, back and to the oldest page by key, each message once', async () => {
    const first = await page('Inbox', 'perPage=3')
    assert.deepEqual(ids(first), newestFirst().slice(0, 3))
    assert.equal(first.paging.newer, null)
    const second = await page('Inbox', `perPage=3&after=${first.paging.older}`)
    assert.deepEqual(ids(second), newestFirst().slice(3, 6))
    const third = await page('Inbox', `perPage=3&after=${second.paging.older}`)
    assert.deepEqual(ids(third), newestFirst().slice(6))
    assert.equal(third.paging.older, null, 'the oldest page says there is nothing older')
    const back = await page('Inbox', `perPage=3&before=${third.paging.newer}`)
    assert.deepEqual(ids(back), ids(second))
    assert.notEqual(back.paging.newer, null)
    assert.notEqual(back.paging.older, null)
    // The oldest page, as many as the last page holds (the page counts from the first).
    const oldest = await page('Inbox', 'perPage=1&oldest=true')
    assert.deepEqual(ids(oldest), [inbound[0]])
    assert.equal(oldest.paging.older, null)
    assert.notEqual(oldest.paging.newer, null)
  })

  it('searches text within a folder, every match reachable page by page, with its count', async () => {
    const seen: number[] = []
    let after = ''
    for (;;) {
      const p = await page('Inbox', `q=NUMBER&perPage=2${after}`)
      seen.push(...ids(p))
      if (p.paging.older === null) break
      after = `&after=${p.paging.older}`
    }
    assert.deepEqual(seen, newestFirst())
    assert.equal((await server.admin('GET', `${MAILBOX}/folders/Inbox/count?q=NUMBER`)).body.total, 7)
    assert.deepEqual(ids(await page('Inbox', 'q=number%203')), [inbound[2]])
    // A phone number's digits, however written, find the messages it took part in.
    assert.equal((await server.admin('GET', `${MAILBOX}/folders/Inbox/count?q=(415)%20555`)).body.total, 7)
    assert.deepEqual(ids(await page('Sent', 'q=number')), [])
  })

  it('counts a folder under filters, and the count follows changes', async () => {
    const count = async (folder: string, query = '') =>
      (await server.admin('GET', `${MAILBOX}/folders/${folder}/count?${query}`)).body.total
    assert.equal(await count('Inbox'), 7)
    assert.equal(await count('Inbox', 'readStatus=Unread'), 7)
    assert.equal(await count('Inbox', 'messageType=Fax'), 0)
    assert.equal(await count('Inbox', 'dateFrom=2030-01-01T00:00:05.000Z'), 3)
    await server.admin('PATCH', `${MAILBOX}/message-store/${inbound[0]}`, { readStatus: 'Read' })
    assert.equal(await count('Inbox', 'readStatus=Unread'), 6)
    assert.equal(await count('All', 'direction=Inbound'), 7)
  })

  it('lists the Outbox apart from Sent, by RingCentral folder rules', async () => {
    const sent = await server.admin('POST', `${MAILBOX}/sms`, {
      from: { phoneNumber: ALICE },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'still queued',
    })
    assert.equal(sent.status, 200, JSON.stringify(sent.body))
    const queued = await page('Outbox')
    assert.deepEqual(ids(queued), [Number(sent.body.id)])
    assert.equal(queued.records[0]!.messageStatus, 'Queued')
    assert.deepEqual(ids(await page('Sent')), [])
    const folders = (await server.admin('GET', `${MAILBOX}/folders`)).body.records
    assert.deepEqual(
      folders.map((f: { name: string; total: number }) => [f.name, f.total]),
      [
        ['Inbox', 7],
        ['Outbox', 1],
        ['Sent', 0],
        ['Deleted', 0],
      ],
    )
    // Handed over to the carrier: out of the Outbox, into Sent.
    await server.admin('POST', '/admin/v1/clock', { advance: 'PT5S' })
    assert.deepEqual(ids(await page('Outbox')), [])
    assert.deepEqual(ids(await page('Sent')), [Number(sent.body.id)])
    assert.equal((await server.admin('GET', `${MAILBOX}/folders/Sent/count`)).body.total, 1)
    assert.equal((await server.admin('GET', `${MAILBOX}/folders/Outbox/count`)).body.total, 0)
  })

  it('counts each folder and its unread messages as its own filtered count does', async () => {
    // One unread and one read inbound message deleted: Deleted holds both, one unread.
    for (const id of [inbound[1]!, inbound[0]!])
      assert.equal((await server.admin('DELETE', `${MAILBOX}/message-store/${id}`)).status, 204)
    const folders: { name: string; total: number; unread: number }[] = (
      await server.admin('GET', `${MAILBOX}/folders`)
    ).body.records
    const counted = async (folder: string, query = '') =>
      (await server.admin('GET', `${MAILBOX}/folders/${folder}/count?${query}`)).body.total as number
    for (const f of folders)
      assert.deepEqual(
        [f.name, f.total, f.unread],
        [f.name, await counted(f.name), await counted(f.name, 'readStatus=Unread')],
      )
    assert.deepEqual(
      folders.map((f) => [f.name, f.total, f.unread]),
      [
        ['Inbox', 5, 5],
        ['Outbox', 0, 0],
        ['Sent', 1, 0],
        ['Deleted', 2, 1],
      ],
    )
  })

  it('answers 404 for an unknown folder and 400 for a bad key or filter', async () => {
    const unknown = await server.admin('GET', `${MAILBOX}/folders/Spam/messages`)
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.errorCode, 'CMN-102')
    for (const [query, parameter] of [
      ['after=yesterday', 'after'],
      ['before=1.2.3', 'before'],
      ['perPage=1000', 'perPage'],
      ['messageType=Letter', 'messageType'],
      ['dateFrom=soon', 'dateFrom'],
      ['conversationId=abc', 'conversationId'],
    ] as const) {
      const bad = await server.admin('GET', `${MAILBOX}/folders/Inbox/messages?${query}`)
      assert.equal(bad.status, 400, query)
      assert.equal(bad.body.errorCode, 'CMN-101', query)
      assert.equal(bad.body.errors[0].parameterName, parameter, query)
    }
    const both = await server.admin('GET', `${MAILBOX}/folders/Inbox/messages?after=1.1&oldest=true`)
    assert.equal(both.status, 400)
  })
})
