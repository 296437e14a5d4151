import path from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Kysely } from 'kysely'
import { packageRoot } from '../lib/package-root.js'
import { BulkInsert, maxId } from '../storage/repositories/bulk-insert.js'
import { ATTACHMENT_INSERT_COLUMNS, MESSAGE_INSERT_COLUMNS } from '../storage/repositories/row-columns.js'
import type { DB } from '../storage/schema.js'
import type { SeedPlan } from './plan.js'
import { type RowBatch, RowDecoder } from './row-codec.js'
import { RowGenerator } from './row-generator.js'

/**
 * How a seed's batches of rows travel: made by the row generator (in a worker thread, or
 * inline when the seed runs from the TypeScript sources) and written one transaction
 * each, the change sequence numbers checked and moved on in the same transaction.
 */

export interface BatchSource {
  next(): Promise<RowBatch | undefined>
  close(): Promise<void>
}

export class InlineSource implements BatchSource {
  private readonly generator: RowGenerator

  constructor(plan: SeedPlan) {
    this.generator = new RowGenerator(plan)
  }

  async next() {
    return this.generator.next()
  }

  async close() {}
}

/** Batches from a worker thread, which keeps `ahead` batches in the making. */
export class WorkerSource implements BatchSource {
  private readonly worker: Worker
  private readonly waiting: { resolve(batch: RowBatch | null): void; reject(err: Error): void }[] = []
  private readonly requested: Promise<RowBatch | null>[] = []

  constructor(plan: SeedPlan, ahead = 2) {
    // The compiled module, also when this runs from the one-file build (dist/main.js).
    const file = path.join(packageRoot(), 'dist', 'seed', 'worker.js')
    this.worker = new Worker(file, { workerData: plan })
    this.worker.on('message', (batch: RowBatch | null) => this.waiting.shift()?.resolve(batch))
    const fail = (err: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(err)
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`seed worker exited with code ${code}`)))
    for (let i = 0; i < ahead; i++) this.request()
  }

  async next() {
    const batch = await this.requested.shift()!
    if (!batch) return undefined
    this.request()
    return batch
  }

  async close() {
    await this.worker.terminate()
  }

  private request(): void {
    const answer = new Promise<RowBatch | null>((resolve, reject) => this.waiting.push({ resolve, reject }))
    // Rejections are seen by whoever awaits the answer; a request never awaited must not crash the process.
    answer.catch(() => {})
    this.requested.push(answer)
    this.worker.postMessage('next')
  }
}

/** Writes batches of rows, one transaction each. */
export class BatchWriter {
  attachments = 0
  conversations = 0
  private readonly messageRows = new BulkInsert('messages', MESSAGE_INSERT_COLUMNS)
  private readonly attachmentRows = new BulkInsert('attachments', ATTACHMENT_INSERT_COLUMNS)
  private readonly decoder = new RowDecoder()

  constructor(private readonly db: Kysely<DB>) {}

  async write(batch: RowBatch): Promise<void> {
    const messages = this.decoder.messages(batch)
    const attachments = this.decoder.attachments(batch)
    await this.db.transaction().execute(async (trx) => {
      // The rows carry ids and change sequence numbers planned at the start: check that they are still free.
      const moved =
        (await maxId(trx, 'messages')) >= batch.firstMessageId ||
        (await maxId(trx, 'attachments')) >= batch.firstAttachmentId ||
        !(await changeSeqsAre(trx, batch.changes))
      if (moved) {
        throw new Error(
          'another writer changed the store while seeding; the batches written so far are complete, the rest was not written',
        )
      }
      for (let i = 0; i < batch.conversations.length; i += 2000) {
        await trx
          .insertInto('conversations')
          .values(
            batch.conversations.slice(i, i + 2000).map((c) => ({
              id: c.id,
              account_id: c.accountId,
              participants: c.participants,
              created_at: c.createdAt,
            })),
          )
          // No conflict target: the key is (id) on SQLite, (account_id, id) on PostgreSQL (migration 0006).
          .onConflict((oc) => oc.doNothing())
          .execute()
      }
      await this.messageRows.insert(trx, messages)
      await this.attachmentRows.insert(trx, attachments)
      await addChangeSeqs(trx, batch.changes)
    })
    this.attachments += batch.attachments
    this.conversations += batch.conversations.length
  }
}

async function changeSeqsAre(db: Kysely<DB>, changes: RowBatch['changes']): Promise<boolean> {
  const current = new Map<string, number>()
  for (let i = 0; i < changes.length; i += 1000) {
    const rows = await db
      .selectFrom('mailboxes')
      .select(['extension_id', 'change_seq'])
      .where(
        'extension_id',
        'in',
        changes.slice(i, i + 1000).map((c) => c.extensionId),
      )
      .execute()
    for (const r of rows) current.set(r.extension_id, Number(r.change_seq))
  }
  return changes.every((c) => current.get(c.extensionId) === c.before)
}

/** Moves each mailbox's change sequence past its new messages: one statement per distinct count. */
async function addChangeSeqs(db: Kysely<DB>, changes: RowBatch['changes']): Promise<void> {
  const byCount = new Map<number, string[]>()
  for (const { extensionId, added } of changes) {
    const ids = byCount.get(added)
    if (ids) ids.push(extensionId)
    else byCount.set(added, [extensionId])
  }
  for (const [count, ids] of byCount) {
    for (let i = 0; i < ids.length; i += 1000) {
      await db
        .updateTable('mailboxes')
        .set((eb) => ({ change_seq: eb('change_seq', '+', count) }))
        .where('extension_id', 'in', ids.slice(i, i + 1000))
        .execute()
    }
  }
}
