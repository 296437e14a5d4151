import type { Transaction } from 'kysely'
import { type JobDefinition, jobKind } from '../jobs/job.js'
import { changeMessage } from '../storage/repositories/message-changes.js'
import { dueInMailbox, earliestIn, mailboxWithDue } from '../storage/repositories/purge.js'
import { lockMailbox, removeMessages } from '../storage/repositories/removal.js'
import {
  earliestTombstone,
  mailboxWithOldTombstones,
  pruneTombstones,
} from '../storage/repositories/tombstones.js'
import type { DB } from '../storage/schema.js'
import { BLOB_RELEASE } from './blob-release.js'

/**
 * The sync horizon: a tombstone (what tells ISync a message was removed) is kept this
 * long after the removal, on the store clock, then pruned. A sync token from before a
 * pruned removal can no longer be answered completely, so its ISync answers 400
 * MSG-333 (full synchronization is required), as RingCentral does for a token it no
 * longer accepts. A client that syncs at least once within the horizon never sees it.
 */
export const SYNC_HORIZON_MS = 30 * 86_400_000

/**
 * The message life cycle over time: a message Deleted for `purgeAfter` is Purged (its
 * attachment bytes erased), and a message Purged for `removeAfter` is removed for good
 * (a tombstone tells ISync). Both periods are set for the whole store (5 days each by
 * default, as the message store guide says).
 */
export interface LifecycleSettings {
  purgeAfter: number
  removeAfter: number
}

export interface SweepStep {
  /** When the sweep should run next: `now` while more is due. */
  next: number
  /** Blob keys the step stopped referencing; free the unreferenced ones once committed. */
  blobKeys: string[]
}

const PURGE_CHUNK = 200
const REMOVE_CHUNK = 500

/**
 * One step of the sweep, inside the caller's transaction: purges (or else removes) the
 * due messages of one mailbox, at most a chunk, or, when nothing is due, answers when
 * the earliest message will be. One mailbox per step: the step holds one mailbox row,
 * so it cannot deadlock with a writer holding several.
 */
export async function lifecycleStep(
  trx: Transaction<DB>,
  now: number,
  s: LifecycleSettings,
): Promise<SweepStep> {
  const purgeCutoff = now - s.purgeAfter
  const toPurge = await mailboxWithDue(trx, 'Deleted', purgeCutoff)
  if (toPurge !== undefined) {
    await lockMailbox(trx, toPurge)
    // Read again under the lock: a message restored meanwhile is no longer due.
    const due = await dueInMailbox(trx, toPurge, 'Deleted', purgeCutoff, PURGE_CHUNK)
    const blobKeys: string[] = []
    for (const m of due) {
      // The purge of the message-changes code, dated when it came due, not when the
      // sweep got to it (the manual clock may jump several days at once).
      const outcome = await changeMessage(
        trx,
        { ...toPurge, messageId: m.id },
        { kind: 'delete', purge: true },
        () => m.since + s.purgeAfter,
      )
      if (outcome) blobKeys.push(...outcome.releasedBlobKeys)
    }
    return { next: now, blobKeys }
  }

  const removeCutoff = now - s.removeAfter
  const toRemove = await mailboxWithDue(trx, 'Purged', removeCutoff)
  if (toRemove !== undefined) {
    await lockMailbox(trx, toRemove)
    const due = await dueInMailbox(trx, toRemove, 'Purged', removeCutoff, REMOVE_CHUNK)
    const removal = await removeMessages(
      trx,
      toRemove,
      due.map((m) => m.id),
      now,
    )
    return { next: now, blobKeys: removal.blobKeys }
  }

  const horizon = now - SYNC_HORIZON_MS
  const toPrune = await mailboxWithOldTombstones(trx, horizon)
  if (toPrune !== undefined) {
    await lockMailbox(trx, toPrune)
    await pruneTombstones(trx, toPrune, horizon)
    return { next: now, blobKeys: [] }
  }

  // Nothing due. A message deleted or purged from now on comes due no sooner than a
  // full period later, so waking at least that often finds every deadline on time.
  let next = now + Math.min(s.purgeAfter, s.removeAfter)
  const deleted = await earliestIn(trx, 'Deleted')
  if (deleted !== undefined) next = Math.min(next, deleted + s.purgeAfter)
  const purged = await earliestIn(trx, 'Purged')
  if (purged !== undefined) next = Math.min(next, purged + s.removeAfter)
  const tombstone = await earliestTombstone(trx)
  if (tombstone !== undefined) next = Math.min(next, tombstone + SYNC_HORIZON_MS)
  return { next: Math.max(next, now + 1), blobKeys: [] }
}

/**
 * Deleted → Purged → removed, on the store clock. One row of this job exists at a time
 * (see sweeps.ts); each run does one step in the runner's transaction and, in that same
 * transaction, enqueues the next run and deletes its own row, so the chain runs exactly
 * once across nodes and never forks or breaks. While work is due the next run is due at
 * once, so moving the manual clock settles it all before answering.
 */
export const PURGE_SWEEP = jobKind<Record<string, never>>('lifecycle.purge-sweep')

export function purgeSweepJob(settings: LifecycleSettings): JobDefinition<Record<string, never>> {
  return {
    kind: PURGE_SWEEP,
    transactional: true,
    maxAttempts: 20,
    async handle(_payload, ctx) {
      const step = await lifecycleStep(ctx.db, ctx.now, settings)
      if (step.blobKeys.length > 0) await ctx.enqueue(BLOB_RELEASE, { keys: step.blobKeys }, ctx.now)
      await ctx.enqueue(PURGE_SWEEP, {}, step.next)
    },
  }
}
