import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { inboxLoginUrl } from '../helpers/browser.js'
import { deliver, OUTSIDE, startStandard } from '../helpers/changes.js'
import { pdfOf, tiffOf } from '../helpers/documents.js'
import { ADMIN_TOKEN, type RunningServer } from '../helpers/server.js'

const ALICE = '+16505550101'
const MAILBOX = '/admin/v1/accounts/1001/extensions/62001'

/** The web inbox's login and the admin calls behind it, over HTTP (no browser needed). */
describe('web inbox: login and admin calls', () => {
  let server: RunningServer
  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
  })
  after(async () => {
    await server?.stop()
  })

  /** A GET whose body is read at once (an unread body holds its connection). */
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers, redirect: 'manual' })
    const bytes = Buffer.from(await res.arrayBuffer())
    return {
      status: res.status,
      headers: res.headers,
      text: async () => bytes.toString('utf8'),
      json: async () => JSON.parse(bytes.toString('utf8')),
      arrayBuffer: async () => bytes,
    }
  }

  it('serves the page; the printed code sets a cookie once, and the cookie opens the admin API', async () => {
    const page = await get('/inbox/')
    assert.equal(page.status, 200)
    assert.match(await page.text(), /<div id="app">/)
    const url = new URL(await inboxLoginUrl(server))
    const first = await get(url.pathname + url.search)
    assert.equal(first.status, 303)
    assert.equal(first.headers.get('location'), '/inbox/')
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!
    assert.match(first.headers.get('set-cookie')!, /HttpOnly; SameSite=Strict/)
    const again = await get(url.pathname + url.search)
    assert.equal(again.headers.get('location'), '/inbox/#login-code-used')
    assert.equal(again.headers.get('set-cookie'), null)

    assert.equal((await get('/inbox/session')).status, 401)
    assert.equal((await get('/inbox/session', { cookie })).status, 200)
    const accounts = await get('/admin/v1/accounts', { cookie })
    assert.equal(accounts.status, 200)
    const body = await accounts.json()
    assert.deepEqual(
      body.records.map((a: { id: string }) => a.id),
      ['1001', '2001'],
    )
    assert.equal((await get('/admin/v1/accounts', { cookie: 'msgstore_inbox=forged' })).status, 401)
    // A wrong Authorization header is judged alone, cookie or not.
    assert.equal((await get('/admin/v1/accounts', { cookie, authorization: 'Bearer wrong' })).status, 401)
  })

  it('logs a browser in with the admin token, and refuses another token', async () => {
    const post = (body: string) =>
      fetch(`${server.baseUrl}/inbox/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
    const wrong = await post(JSON.stringify({ token: 'nope' }))
    assert.equal(wrong.status, 401)
    assert.equal((await wrong.json()).errorCode, 'OAU-149')
    const malformed = await post('{not json')
    assert.equal(malformed.status, 400)
    await malformed.text()
    const ok = await post(JSON.stringify({ token: ADMIN_TOKEN }))
    await ok.text()
    assert.equal(ok.status, 204)
    assert.match(ok.headers.get('set-cookie')!, /^msgstore_inbox=/)
  })

  it('lists, reads, marks, deletes, restores and purges a mailbox message by ids', async () => {
    const [id] = await deliver(server, { type: 'SMS', to: [ALICE], text: 'hello inbox' })
    const list = await server.admin('GET', `${MAILBOX}/message-store?dateFrom=2000-01-01T00:00:00Z`)
    assert.equal(list.status, 200)
    assert.equal(
      list.body.records.some((r: { id: number }) => String(r.id) === String(id)),
      true,
    )
    const folders = await server.admin('GET', `${MAILBOX}/folders`)
    assert.deepEqual(folders.body.records[0], { name: 'Inbox', total: 1, unread: 1 })

    const read = await server.admin('PATCH', `${MAILBOX}/message-store/${id}`, { readStatus: 'Read' })
    assert.equal(read.body.readStatus, 'Read')
    assert.equal((await server.admin('DELETE', `${MAILBOX}/message-store/${id}`)).status, 204)
    assert.equal((await server.admin('GET', `${MAILBOX}/message-store/${id}`)).body.availability, 'Deleted')
    assert.deepEqual((await server.admin('GET', `${MAILBOX}/folders`)).body.records[3], {
      name: 'Deleted',
      total: 1,
      unread: 0,
    })
    const restored = await server.admin('PATCH', `${MAILBOX}/message-store/${id}`, { availability: 'Alive' })
    assert.equal(restored.body.availability, 'Alive')
    assert.equal((await server.admin('DELETE', `${MAILBOX}/message-store/${id}?purge=true`)).status, 204)
    assert.equal((await server.admin('GET', `${MAILBOX}/message-store/${id}`)).body.availability, 'Purged')
  })

  it('sends as the extension through the carrier simulator', async () => {
    const sent = await server.admin('POST', `${MAILBOX}/sms`, {
      from: { phoneNumber: ALICE },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'from the inbox',
    })
    assert.equal(sent.status, 200, JSON.stringify(sent.body))
    assert.equal(sent.body.messageStatus, 'Queued')
    await server.admin('POST', '/admin/v1/clock', { advance: 'PT5S' })
    const later = await server.admin('GET', `${MAILBOX}/message-store/${sent.body.id}`)
    assert.equal(later.body.messageStatus, 'Delivered')
    const pager = await server.admin('POST', `${MAILBOX}/company-pager`, {
      from: { extensionNumber: '101' },
      to: [{ extensionNumber: '102' }],
      text: 'internal',
    })
    assert.equal(pager.status, 200, JSON.stringify(pager.body))
    // Another's number is not the extension's to send from: the sending service's own error.
    const refused = await server.admin('POST', `${MAILBOX}/sms`, {
      from: { phoneNumber: '+16505550102' },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'x',
    })
    assert.equal(refused.status, 403)
  })

  it('shows TIFF pages as PNG and answers 4xx for what it cannot show', async () => {
    const tiff = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'Fax',
      from: OUTSIDE,
      to: [ALICE],
      faxPageCount: 2,
      attachments: [{ contentType: 'image/tiff', base64: tiffOf(2, 16, 8).toString('base64') }],
    })
    const id = tiff.body.messages[0].id
    const record = (await server.admin('GET', `${MAILBOX}/message-store/${id}`)).body
    const content = `${MAILBOX}/message-store/${id}/content/${record.attachments[0].id}`
    const png = await get(`${content}?as=png&page=2`, { authorization: `Bearer ${ADMIN_TOKEN}` })
    assert.equal(png.status, 200)
    assert.equal(png.headers.get('content-type'), 'image/png')
    const bytes = Buffer.from(await png.arrayBuffer())
    assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG')
    assert.equal(bytes.readUInt32BE(16), 16)
    assert.equal(bytes.readUInt32BE(20), 8)
    assert.equal((await server.admin('GET', `${content}?as=png&page=3`)).status, 404)
    assert.equal((await server.admin('GET', `${content}?as=png&page=zero`)).status, 400)
    assert.equal((await server.admin('GET', `${content}?as=gif`)).status, 400)

    const pdf = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
      type: 'Fax',
      from: OUTSIDE,
      to: [ALICE],
      attachments: [
        { contentType: 'application/pdf', fileName: 'scan.pdf', base64: (await pdfOf(1)).toString('base64') },
      ],
    })
    const pdfId = pdf.body.messages[0].id
    const pdfRecord = (await server.admin('GET', `${MAILBOX}/message-store/${pdfId}`)).body
    const pdfContent = `${MAILBOX}/message-store/${pdfId}/content/${pdfRecord.attachments[0].id}`
    assert.equal((await server.admin('GET', `${pdfContent}?as=png`)).status, 400)
    const download = await get(`${pdfContent}?download=true`, { authorization: `Bearer ${ADMIN_TOKEN}` })
    assert.match(download.headers.get('content-disposition')!, /^attachment;.*scan\.pdf/i)
    const whole = Buffer.from(await download.arrayBuffer())

    // The player seeks in a voicemail with ranges, as every download answers them.
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
    const part = await get(pdfContent, { ...auth, range: 'bytes=4-13' })
    assert.equal(part.status, 206)
    assert.equal(part.headers.get('content-range'), `bytes 4-13/${whole.length}`)
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(4, 14)))
    const etag = part.headers.get('etag')!
    assert.equal((await get(pdfContent, { ...auth, 'if-none-match': etag })).status, 304)
  })

  it('answers 404 and 400 for unknown mailboxes and bad bodies', async () => {
    const unknown = await server.admin('GET', '/admin/v1/accounts/1001/extensions/72001/folders')
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.errorCode, 'CMN-102')
    assert.equal((await server.admin('GET', '/admin/v1/accounts/x/extensions/62001/folders')).status, 404)
    assert.equal((await server.admin('GET', `${MAILBOX}/message-store/abc`)).status, 404)
    const bad = await server.admin('PATCH', `${MAILBOX}/message-store/1`, { readStatus: 'Maybe' })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.errorCode, 'CMN-101')
  })

  it('streams changes of the outbox as server-sent events', async () => {
    const controller = new AbortController()
    const res = await fetch(`${server.baseUrl}/admin/v1/events`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: controller.signal,
    })
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
    const reader = res.body!.getReader()
    let text = ''
    const [id] = await deliver(server, { type: 'SMS', to: [ALICE], text: 'live' })
    while (!text.includes(`"id":"${id}"`)) {
      const { value, done } = await reader.read()
      if (done) break
      text += Buffer.from(value).toString('utf8')
    }
    controller.abort()
    assert.match(text, /^retry: 2000\nevent: ready\n/)
    assert.match(text, /event: change\ndata: /)
    const data = JSON.parse(
      text
        .split('\n')
        .find((l) => l.startsWith('data: ') && l.includes(`"id":"${id}"`))!
        .slice(6),
    )
    assert.equal(data.extensionId, '62001')
    assert.deepEqual(data.messages, [{ id: String(id), kind: 'new', type: 'SMS', direction: 'Inbound' }])
  })
})
