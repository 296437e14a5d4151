import assert from 'node:assert/strict'
import type { RunningServer } from './server.js'

/** Helpers of the test/e2e/sync-*.test.ts and retention-*.test.ts files. */

export const SYNC = '/restapi/v1.0/account/~/extension/~/message-sync'
export const STORE = '/restapi/v1.0/account/~/extension/~/message-store'

/** What the tests need of an SDK platform: `get` with query parameters. */
export interface Getter {
  get(url: string, query?: Record<string, unknown>): Promise<Response>
}

export interface SyncInfo {
  syncType: 'FSync' | 'ISync'
  syncToken: string
  syncTime: string
  olderRecordsExist: boolean
}

export interface SyncAnswer {
  uri: string
  records: any[]
  syncInfo: SyncInfo
}

export async function fsync(
  platform: Getter,
  query: Record<string, unknown> = {},
  url = SYNC,
): Promise<SyncAnswer> {
  const res = await platform.get(url, { syncType: 'FSync', ...query })
  return (await res.json()) as SyncAnswer
}

export async function isync(
  platform: Getter,
  syncToken: string,
  query: Record<string, unknown> = {},
  url = SYNC,
): Promise<SyncAnswer> {
  const res = await platform.get(url, { syncType: 'ISync', syncToken, ...query })
  return (await res.json()) as SyncAnswer
}

/**
 * A client's local copy of a sync frame, kept the way the message sync guide describes:
 * the FSync records, then each ISync applied (Alive records added or replaced, the
 * others dropped). With `byConversation`, the copy keeps one message per conversation
 * (a distinctConversations frame): a record replaces the one of its conversation.
 */
export class LocalCopy {
  private readonly entries = new Map<string, any>()
  token = ''

  constructor(private readonly byConversation = false) {}

  private key(record: any): string {
    return this.byConversation && record.conversationId !== undefined
      ? `c${record.conversationId}`
      : `m${record.id}`
  }

  full(answer: SyncAnswer): void {
    assert.equal(answer.syncInfo.syncType, 'FSync')
    this.entries.clear()
    for (const r of answer.records) {
      assert.equal(r.availability, 'Alive', 'an FSync answers Alive messages')
      this.entries.set(this.key(r), r)
    }
    this.token = answer.syncInfo.syncToken
  }

  apply(answer: SyncAnswer): void {
    assert.equal(answer.syncInfo.syncType, 'ISync')
    for (const r of answer.records) {
      assert.ok(
        r.id !== undefined && typeof r.availability === 'string',
        'every record has id and availability',
      )
      if (r.availability === 'Alive') {
        this.entries.set(this.key(r), r)
      } else {
        for (const [k, v] of this.entries) if (v.id === r.id) this.entries.delete(k)
      }
    }
    this.token = answer.syncInfo.syncToken
  }

  async refresh(platform: Getter, query: Record<string, unknown> = {}, url = SYNC): Promise<SyncAnswer> {
    const answer = await isync(platform, this.token, query, url)
    this.apply(answer)
    return answer
  }

  /** The copy's records by id. */
  records(): Map<number, any> {
    return new Map([...this.entries.values()].map((r) => [r.id, r]))
  }

  ids(): number[] {
    return [...this.entries.values()].map((r) => r.id).sort((a, b) => a - b)
  }
}

/** The server's Alive messages of a frame through listMessages (every page), by id. */
export async function serverList(
  platform: Getter,
  query: Record<string, unknown>,
  url = STORE,
): Promise<Map<number, any>> {
  const out = new Map<number, any>()
  for (let page = 1; ; page++) {
    const res = await platform.get(url, { perPage: 1000, page, ...query })
    const body = (await res.json()) as any
    for (const r of body.records) out.set(r.id, r)
    if (page >= body.paging.totalPages) break
  }
  return out
}

/** Asserts that a local copy holds exactly `expected`, record for record. */
export function assertSameRecords(
  copy: Map<number, any>,
  expected: Map<number, any>,
  message?: string,
): void {
  const missing = [...expected.keys()].filter((id) => !copy.has(id))
  const extra = [...copy.keys()].filter((id) => !expected.has(id))
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, message)
  for (const [id, record] of expected) assert.deepEqual(copy.get(id), record, `${message ?? ''} record ${id}`)
}

/** Moves the manual clock; answers its new time (ms). */
export async function advance(server: RunningServer, duration: string): Promise<number> {
  const res = await server.admin('POST', '/admin/v1/clock', { advance: duration })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return Date.parse(res.body.now)
}

export async function clockNow(server: RunningServer): Promise<number> {
  const res = await server.admin('GET', '/admin/v1/clock')
  return Date.parse(res.body.now)
}

/** Runs `work` over `items`, `width` at a time. */
export async function inBatches<T, R>(
  items: T[],
  width: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await work(items[i]!, i)
      }
    }),
  )
  return out
}

/** A small seeded PRNG (mulberry32), so that a failing random test can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
