import { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import { pushWithBaseUrl } from '../domain/message/record.js'
import {
  accountMailboxes,
  EXPORTED_AVAILABILITIES,
  type ExportScope,
  type RecordRow,
  recordsPage,
} from '../storage/repositories/export-reads.js'
import type { DB } from '../storage/schema.js'
import { archiveComment } from './archive-comment.js'
import type { ZipArchive, ZipEntry } from './zip.js'

/**
 * Records read and written at a time. A page's rows (and the pieces of its chunk) live
 * until the page is written: pages of 500 lived through young-generation collections and
 * were promoted, and the old generation grew by that garbage until a full collection.
 */
const RECORD_PAGE = 100
export interface MessagesProgress {
  /** Called with the number of records just written. */
  onRecords?(count: number): void
}

/** Archive 0: the message records of every mailbox of the account. */
export function messagesArchive(
  db: Kysely<DB>,
  scope: ExportScope,
  baseUrl: Buffer,
  opts: { label: string; mtime: Date } & MessagesProgress,
): ZipArchive {
  async function* entries(): AsyncGenerator<ZipEntry> {
    for (const extensionId of await accountMailboxes(db, scope.accountId)) {
      if (!(await hasRecords(db, scope, extensionId))) continue
      yield {
        name: `account/${scope.accountId}/extension/${extensionId}/message-store.json`,
        mtime: opts.mtime,
        deflate: true,
        // One page ahead at most (the default is 16): a page waiting its turn outlives a
        // young-generation collection or two and is then only freed by a full one.
        open: async () =>
          Readable.from(recordsJson(db, scope, extensionId, baseUrl, opts), { highWaterMark: 1 }),
      }
    }
  }
  return { entries: entries(), comment: archiveComment(opts.label, 0) }
}

async function hasRecords(db: Kysely<DB>, scope: ExportScope, extensionId: string): Promise<boolean> {
  for (const availability of EXPORTED_AVAILABILITIES) {
    if ((await recordsPage(db, scope, extensionId, availability, undefined, 1)).length) return true
  }
  return false
}

/** `{"records":[…]}` of one mailbox, a page of records per chunk. */
async function* recordsJson(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
  baseUrl: Buffer,
  progress: MessagesProgress,
): AsyncGenerator<Buffer> {
  yield Buffer.from('{"records":[')
  let first = true
  let parts: Buffer[] = []
  let length = 0
  let count = 0
  for await (const row of mergedRecords(db, scope, extensionId)) {
    if (!first) {
      parts.push(COMMA)
      length++
    }
    first = false
    length += pushWithBaseUrl(parts, row.record, baseUrl)
    if (++count === RECORD_PAGE) {
      yield Buffer.concat(parts, length)
      progress.onRecords?.(count)
      parts = []
      length = 0
      count = 0
    }
  }
  if (count) {
    yield Buffer.concat(parts, length)
    progress.onRecords?.(count)
  }
  yield Buffer.from(']}')
}

const COMMA = Buffer.from(',')

/**
 * A mailbox's exported records, oldest first: one keyset-paged walk per availability
 * (each a range of the list index), merged by `(creationTime, id)`.
 */
async function* mergedRecords(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
): AsyncGenerator<RecordRow> {
  const walks = EXPORTED_AVAILABILITIES.map((availability) =>
    recordWalk(db, scope, extensionId, availability),
  )
  const heads = await Promise.all(walks.map((w) => w.next()))
  for (;;) {
    let pick = -1
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!
      if (head.done) continue
      if (pick === -1) {
        pick = i
        continue
      }
      const best = heads[pick]!.value as RecordRow
      if (
        head.value.creationTime < best.creationTime ||
        (head.value.creationTime === best.creationTime && head.value.id < best.id)
      ) {
        pick = i
      }
    }
    if (pick === -1) return
    yield heads[pick]!.value as RecordRow
    heads[pick] = await walks[pick]!.next()
  }
}

async function* recordWalk(
  db: Kysely<DB>,
  scope: ExportScope,
  extensionId: string,
  availability: string,
): AsyncGenerator<RecordRow, void> {
  let after: { creationTime: number; id: number } | undefined
  for (;;) {
    const page = await recordsPage(db, scope, extensionId, availability, after, RECORD_PAGE)
    yield* page
    if (page.length < RECORD_PAGE) return
    const last = page[page.length - 1]!
    after = { creationTime: last.creationTime, id: last.id }
  }
}
