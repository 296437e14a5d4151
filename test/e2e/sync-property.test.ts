import { after, before, describe, test } from 'node:test'
import { ALICE, deliver, login, type Platform, STORE, startStandard } from '../helpers/changes.js'
import type { RunningServer } from '../helpers/server.js'
import {
  advance,
  assertSameRecords,
  clockNow,
  fsync,
  LocalCopy,
  seededRandom,
  serverList,
} from '../helpers/sync.js'

const HOUR = 3600_000
const DAY = 24 * HOUR
const STEPS = Number(process.env.SYNC_PROPERTY_STEPS ?? 250)
const SEEDS = (process.env.SYNC_PROPERTY_SEEDS ?? '11,29').split(',').map(Number)
const NUMBERS = ['+14155550101', '+14155550102', '+14155550103']
const iso = (ms: number) => new Date(ms).toISOString()

interface Client {
  name: string
  /** The FSync query, which is also the listMessages query the copy must equal. */
  frame: Record<string, unknown>
  copy: LocalCopy
}

/**
 * Property: whatever happens to a mailbox — messages created (in the frame or not),
 * read, deleted, restored, purged, and the clock moving so that deleted messages are
 * purged and purged ones removed — a client that applies each ISync answer to its copy
 * holds exactly the server's messages of its frame, after every sync. The sequence is
 * random but seeded (SYNC_PROPERTY_SEEDS, SYNC_PROPERTY_STEPS), so a failure replays.
 */
describe('message sync property: applying ISync answers reproduces the mailbox', () => {
  let server: RunningServer
  let alice: Platform

  before(async () => {
    server = await startStandard({
      args: ['--clock', 'manual', '--purge-after', 'P2D', '--remove-after', 'P1D'],
    })
    alice = (await login(server, ALICE)).platform
  })

  after(async () => {
    await server.stop()
  })

  for (const seed of SEEDS) {
    test(`seed ${seed}: ${STEPS} random steps`, async () => {
      const random = seededRandom(seed)
      const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!
      const start = await clockNow(server)
      const from = iso(start - 7 * DAY)
      const until = iso(start + 10_000 * DAY)
      const frames: [string, Record<string, unknown>][] = [
        ['everything', {}],
        ['SMS only', { messageType: ['SMS'] }],
        ['voicemail only', { messageType: ['VoiceMail'] }],
        ['one conversation per entry', { distinctConversations: true }],
      ]
      const clients: Client[] = []
      for (const [name, frame] of frames) {
        const copy = new LocalCopy(frame.distinctConversations === true)
        copy.full(await fsync(alice, { ...frame, dateFrom: from }))
        clients.push({ name, frame, copy })
      }
      const ids: number[] = []
      const log: string[] = []

      async function check(client: Client, step: number) {
        await client.copy.refresh(alice)
        const expected = await serverList(alice, { ...client.frame, dateFrom: from, dateTo: until })
        assertSameRecords(
          client.copy.records(),
          expected,
          `seed ${seed}, step ${step}, ${client.name}\n${log.join('\n')}`,
        )
      }

      for (let step = 0; step < STEPS; step++) {
        const roll = random()
        if (roll < 0.3 || ids.length === 0) {
          const now = await clockNow(server)
          const voicemail = random() < 0.25
          // Mostly now; some earlier in the frame, some before it (never in any copy).
          const at = random() < 0.8 ? now : random() < 0.7 ? now - random() * 5 * DAY : start - 30 * DAY
          const [id] = await deliver(server, {
            type: voicemail ? 'VoiceMail' : 'SMS',
            from: pick(NUMBERS),
            to: [ALICE.username],
            text: voicemail ? undefined : `step ${step}`,
            creationTime: iso(Math.floor(at)),
          })
          ids.push(id!)
          log.push(`${step}: create ${id}`)
        } else if (roll < 0.45) {
          const id = pick(ids)
          const readStatus = random() < 0.5 ? 'Read' : 'Unread'
          await alice.put(`${STORE}/${id}`, { readStatus }).catch(() => undefined)
          log.push(`${step}: ${readStatus} ${id}`)
        } else if (roll < 0.58) {
          const id = pick(ids)
          await alice.delete(`${STORE}/${id}`).catch(() => undefined)
          log.push(`${step}: delete ${id}`)
        } else if (roll < 0.68) {
          const id = pick(ids)
          await alice.patch(`${STORE}/${id}`, { availability: 'Alive' }).catch(() => undefined)
          log.push(`${step}: restore ${id}`)
        } else if (roll < 0.73) {
          const id = pick(ids)
          await alice.delete(`${STORE}/${id}`, undefined, { purge: true }).catch(() => undefined)
          log.push(`${step}: purge ${id}`)
        } else if (roll < 0.78) {
          // Time passes: Deleted messages get purged, Purged ones removed.
          const duration = pick(['PT6H', 'P1D', 'P2D', 'P3D'])
          await advance(server, duration)
          log.push(`${step}: clock +${duration}`)
        } else {
          const client = pick(clients)
          log.push(`${step}: sync ${client.name}`)
          await check(client, step)
        }
      }
      for (const client of clients) await check(client, STEPS)
    })
  }
})
