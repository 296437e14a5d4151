import { randomBytes } from 'node:crypto'
import { ADMIN_TOKEN } from '../lib/processes.js'
import type { BenchContext, Scenario } from './scenario.js'

/** The write side and the media side of the message store: bulk updates and attachment downloads. */

const STORE = '/restapi/v1.0/account/~/extension/~/message-store'
const MULTIPART_JSON = 'application/vnd.ringcentral.multipart+json'
const BULK = 50
const CONTENT_BYTES = 1024 * 1024

const bearer = (ctx: BenchContext) => ({ authorization: `Bearer ${ctx.token}` })

async function getJson(ctx: BenchContext, path: string): Promise<any> {
  const res = await fetch(`${ctx.baseUrl}${path}`, { headers: bearer(ctx) })
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

let bulkIds: number[] = []

/**
 * updateMessage with 50 ids in the path and a multipart+json body: 50 changes, each its
 * own transaction. Each connection alternates Read and Unread, so every call writes.
 */
export const bulkUpdate: Scenario = {
  name: 'bulk update 50 ids',
  async prepare(ctx) {
    const page = await getJson(
      ctx,
      `${STORE}?${new URLSearchParams({ dateFrom: new Date(ctx.now - 40 * 86_400_000).toISOString(), perPage: String(BULK) })}`,
    )
    bulkIds = (page.records as { id: number }[]).map((r) => r.id)
    if (bulkIds.length < BULK)
      throw new Error(`bulk update: the mailbox holds only ${bulkIds.length} messages`)
  },
  request: (ctx) => ({
    method: 'PUT',
    path: `${STORE}/${bulkIds.join(',')}`,
    headers: { ...bearer(ctx), 'content-type': MULTIPART_JSON, accept: MULTIPART_JSON },
    bodies: ['Read', 'Unread'].map((readStatus) =>
      JSON.stringify(bulkIds.map(() => ({ body: { readStatus } }))),
    ),
  }),
  check: (probe) => {
    if (probe.status !== 207) return `status ${probe.status}: ${probe.body.toString().slice(0, 200)}`
    const items = JSON.parse(probe.body.toString()) as { status: number }[]
    const ok = items.filter((i) => i.status === 200).length
    return ok === BULK ? undefined : `${ok} of ${items.length} items answered 200`
  },
}

let contentPath = ''

/** readMessageContent of a 1 MB attachment, streamed from the blob store. */
export const contentDownload: Scenario = {
  name: 'content 1 MB',
  sameSizeBare: true,
  async prepare(ctx) {
    const res = await fetch(`${ctx.baseUrl}/admin/v1/accounts/${ctx.seed.accounts[0]!.id}/inbound`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'Fax',
        from: '+14155550123',
        to: [ctx.user.phoneNumber],
        attachments: [
          { contentType: 'application/pdf', base64: randomBytes(CONTENT_BYTES).toString('base64') },
        ],
      }),
    })
    const body = (await res.json()) as { messages?: { id: number; extensionId: string }[] }
    const mine = body.messages?.find((m) => m.extensionId === ctx.user.id)
    if (!mine) throw new Error(`content: inbound answered ${res.status} ${JSON.stringify(body)}`)
    const record = await getJson(ctx, `${STORE}/${mine.id}`)
    contentPath = new URL(record.attachments[0].uri).pathname
  },
  request: (ctx) => ({ path: contentPath, headers: bearer(ctx) }),
  check: (probe) => {
    if (probe.status !== 200) return `status ${probe.status}: ${probe.body.toString().slice(0, 200)}`
    return probe.bytes === CONTENT_BYTES ? undefined : `${probe.bytes} bytes, not ${CONTENT_BYTES}`
  },
}
