import { ADMIN_TOKEN } from '../lib/processes.js'
import type { BenchContext, Scenario, Target } from './scenario.js'

/** Message sync: an ISync whose token is 10 changes behind, in the seeded (1,000,000-message) store. */

const SYNC = '/restapi/v1.0/account/~/extension/~/message-sync'
const CHANGES = 10

/**
 * The goal for ISync: the latency a client sees, within 2× of the bare route's (same
 * answer size). Latency is measured with one connection, where a request waits for
 * nothing but itself, so requests/s >= 50%. At 32 connections the figure is printed
 * too, but there the latency is queueing behind the other 31, i.e. throughput, and
 * the bare route's ~23 µs a request (load generator included) is below what any
 * authenticated route can spend on reading its token and the database.
 */
export const ISYNC_TARGETS: Target[] = [
  {
    connections: 1,
    label: 'latency within 2x of bare (requests/s >= 50%)',
    pass: (_m, ratio) => ratio >= 0.5,
  },
]

let token = ''

async function syncJson(ctx: BenchContext, query: Record<string, string>): Promise<any> {
  const res = await fetch(`${ctx.baseUrl}${SYNC}?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${ctx.token}` },
  })
  if (!res.ok) throw new Error(`message-sync: ${res.status} ${await res.text()}`)
  return res.json()
}

/**
 * FSync the user's mailbox (the default frame: the last week), then 10 new messages
 * arrive; every request of the load is the same ISync, answering those 10.
 */
export const incrementalSync: Scenario = {
  name: `isync ${CHANGES} changes`,
  sameSizeBare: true,
  async prepare(ctx) {
    token = (await syncJson(ctx, { syncType: 'FSync' })).syncInfo.syncToken
    for (let i = 0; i < CHANGES; i++) {
      const res = await fetch(`${ctx.baseUrl}/admin/v1/accounts/${ctx.seed.accounts[0]!.id}/inbound`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'SMS',
          from: '+14155550123',
          to: [ctx.user.phoneNumber],
          text: `change ${i}`,
        }),
      })
      if (res.status !== 201) throw new Error(`isync: inbound answered ${res.status} ${await res.text()}`)
    }
  },
  request: (ctx) => ({
    path: `${SYNC}?${new URLSearchParams({ syncType: 'ISync', syncToken: token })}`,
    headers: { authorization: `Bearer ${ctx.token}` },
  }),
  check: (probe) => {
    if (probe.status !== 200) return `status ${probe.status}: ${probe.body.toString().slice(0, 200)}`
    const records = (JSON.parse(probe.body.toString()) as { records: unknown[] }).records.length
    return records === CHANGES ? undefined : `answered ${records} records, not ${CHANGES}`
  },
  targets: ISYNC_TARGETS,
}
