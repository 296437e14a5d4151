import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { deliver, OUTSIDE, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'

const ALICE = '+16505550101'
const MAILBOX = '/admin/v1/accounts/1001/extensions/62001'

interface Change {
  changeNumber: number
  kind: string
  availability?: string
  readStatus?: string
  messageStatus?: string
  at: string
}

/** A message's history of changes, as the store records it (both databases). */
describe('web inbox: stored history of a message', () => {
  let server: RunningServer
  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
  })
  after(async () => {
    await server?.stop()
  })

  const history = async (id: number | string): Promise<Change[]> => {
    const res = await server.admin('GET', `${MAILBOX}/message-store/${id}/history`)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return res.body.records
  }
  const now = async () => (await server.admin('GET', '/admin/v1/clock')).body.now as string
  const advance = (by: string) => server.admin('POST', '/admin/v1/clock', { advance: by })

  it('records creation, read status, delete, restore and purge, each at its store time, and keeps them after the purge', async () => {
    const [id] = await deliver(server, { type: 'SMS', to: [ALICE], text: 'history, please' })
    const created = await now()
    await advance('PT1M')
    await server.admin('PATCH', `${MAILBOX}/message-store/${id}`, { readStatus: 'Read' })
    const read = await now()
    await advance('PT1M')
    await server.admin('DELETE', `${MAILBOX}/message-store/${id}`)
    await advance('PT1M')
    await server.admin('PATCH', `${MAILBOX}/message-store/${id}`, { availability: 'Alive' })
    await advance('PT1M')
    await server.admin('DELETE', `${MAILBOX}/message-store/${id}?purge=true`)
    const purged = await now()

    const changes = await history(id!)
    assert.deepEqual(
      changes.map((c) => [c.kind, c.availability, c.readStatus, c.messageStatus]),
      [
        ['new', 'Alive', 'Unread', 'Received'],
        ['updated', 'Alive', 'Read', 'Received'],
        ['updated', 'Deleted', 'Read', 'Received'],
        ['updated', 'Alive', 'Read', 'Received'],
        ['updated', 'Purged', 'Read', 'Received'],
      ],
    )
    assert.equal(changes[0]!.at, created)
    assert.equal(changes[1]!.at, read)
    assert.equal(changes[4]!.at, purged)
    const numbers = changes.map((c) => c.changeNumber)
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
      'in change order',
    )
  })

  it('records each delivery step of a sent message as the clock moves', async () => {
    const sent = await server.admin('POST', `${MAILBOX}/sms`, {
      from: { phoneNumber: ALICE },
      to: [{ phoneNumber: OUTSIDE }],
      text: 'step by step',
    })
    assert.equal(sent.status, 200, JSON.stringify(sent.body))
    await advance('PT2S')
    await advance('PT3S')
    const steps = (await history(sent.body.id)).map((c) => c.messageStatus)
    assert.equal(steps[0], 'Queued')
    assert.equal(steps.at(-1), 'Delivered')
    assert.ok(steps.includes('Sent'), steps.join(' → '))
  })

  it('answers 404 for a message that never was, and forgets the history with the account reset', async () => {
    assert.equal((await server.admin('GET', `${MAILBOX}/message-store/987654321/history`)).status, 404)
    const [id] = await deliver(server, { type: 'SMS', to: [ALICE], text: 'soon reset' })
    assert.equal((await history(id!)).length, 1)
    const reset = await server.admin('POST', '/admin/v1/accounts/1001/reset')
    assert.equal(reset.status, 200, JSON.stringify(reset.body))
    assert.equal((await server.admin('GET', `${MAILBOX}/message-store/${id}/history`)).status, 404)
  })
})
