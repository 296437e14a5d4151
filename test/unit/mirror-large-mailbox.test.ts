import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MirrorKeeper, SourceRecord } from '../../src/mirror/keeper.js'
import { MailboxSync } from '../../src/mirror/mailbox-sync.js'
import type { SourceClient } from '../../src/mirror/source.js'
import type { MirrorStateRepository } from '../../src/storage/repositories/mirror-state.js'

/**
 * A source that caps every sync answer at CAP records and that does NOT widen a frame by
 * recordCount (an ISync answers nothing more while older records exist): the mirror reads
 * the older messages from the list instead, page by page, and misses none. (msgstore as a
 * source widens; test/e2e/mirror-large.test.ts covers that path.)
 */
const CAP = 3
const records: SourceRecord[] = Array.from({ length: 10 }, (_, i) => ({
  id: 100 + i,
  type: 'SMS',
  availability: 'Alive',
  // Newest first, as the source answers; two share each creation time.
  creationTime: new Date(Date.UTC(2026, 0, 1) - Math.floor(i / 2) * 1000).toISOString(),
}))

function fakeSource(log: string[]): SourceClient {
  return {
    async getJson(_kind: string, path: string, query: Record<string, unknown> = {}) {
      if (path.endsWith('/message-sync')) {
        log.push(`${query.syncType} ${query.recordCount ?? ''}`.trim())
        const first = query.syncType === 'FSync'
        return {
          records: first ? records.slice(0, CAP) : [],
          syncInfo: { syncType: query.syncType, syncToken: 't', olderRecordsExist: true },
        }
      }
      if (path.endsWith('/message-store')) {
        log.push(`list ${query.availability} ${query.dateTo ?? ''} page ${query.page}`.trim())
        if (query.availability !== 'Alive') return { records: [], paging: { totalPages: 1 } }
        const dateTo = Date.parse(String(query.dateTo))
        const older = records.filter((r) => Date.parse(String(r.creationTime)) < dateTo)
        const page = Number(query.page)
        return {
          records: older.slice((page - 1) * 4, page * 4),
          paging: { totalPages: Math.ceil(older.length / 4) },
        }
      }
      throw new Error(`unexpected ${path}`)
    },
  } as unknown as SourceClient
}

test('a source that caps its answers and does not widen: the older messages come from the list', async () => {
  const log: string[] = []
  const kept = new Map<number | string, SourceRecord>()
  const keeper: MirrorKeeper = {
    ensureMailbox: async (accountId, extension) => ({ accountId, extensionId: extension.id }),
    keepRecords: async (_mailbox, batch) => {
      for (const r of batch) kept.set(r.id, r)
      return { changed: batch.length, refused: [] }
    },
    keptIds: async (_mailbox, ids) => new Set(ids.filter((id) => kept.has(id))),
    missingContent: async () => [],
    storeContent: async () => ({ messageId: 0, attachmentId: 0, blob: { key: 'k', size: 0 } }),
    attachContent: async () => {},
  }
  const stored: unknown[] = []
  const state = {
    get: async () => undefined,
    dropToken: async () => {},
    failed: async () => {},
    synced: async (_key: unknown, value: unknown) => {
      stored.push(value)
    },
  } as unknown as MirrorStateRepository
  const sync = new MailboxSync(fakeSource(log), keeper, state, {
    accountId: '1001',
    keepDeleted: false,
    syncRecords: CAP,
    downloads: 1,
    now: () => 0,
  })

  const result = await sync.run({ id: '62001' })
  assert.deepEqual(
    [...kept.keys()].sort(),
    records.map((r) => r.id).sort(),
    'every message of the mailbox is kept',
  )
  assert.equal(result.syncType, 'FSync')
  assert.deepEqual(log.slice(0, 2), ['FSync 3', 'ISync 6'], 'the frame is widened first')
  // The list reaches a millisecond past the oldest answered, so its neighbour of the same time comes too.
  assert.match(log[2]!, /^list Alive 2025-12-31T23:59:59\.001Z page 1$/)
  assert.equal(stored.length, 1, 'the token is stored once, at the end')
})
