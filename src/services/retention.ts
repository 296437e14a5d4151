import type { Transaction } from 'kysely'
import { ageRules, type CappedFolder, cappedFolders, type MailboxCaps } from '../domain/message/retention.js'
import { type JobDefinition, jobKind } from '../jobs/job.js'
import { isMirroredAccount } from '../storage/repositories/mirror-state.js'
import { lockMailbox, removeMessages } from '../storage/repositories/removal.js'
import {
  accountsAfter,
  expiredIds,
  folderCounts,
  markChecked,
  nextUncheckedMailbox,
  oldestInFolder,
  oldestUnderRule,
} from '../storage/repositories/retention.js'
import type { DB } from '../storage/schema.js'
import { BLOB_RELEASE } from './blob-release.js'
import type { SweepStep } from './lifecycle-sweep.js'

/**
 * The retention sweep (rules in domain/message/retention.ts). A pass walks the store
 * in small steps, one transaction each, carried from step to step in the job's payload:
 *
 * 1. `age`: accounts in id order; in each, the oldest message each age rule applies to
 *    (one index seek per rule). Those past their age are removed, a mailbox and a
 *    chunk at a time; otherwise the earliest deadline is kept for the end of the pass.
 * 2. `caps`: mailboxes changed since their limits were last enforced
 *    (`change_seq > retention_seq`), in id order; the oldest messages beyond each
 *    folder's cap are removed and the mailbox marked checked at its sequence number.
 *
 * The next pass starts at the earliest age deadline, or after `interval` at the latest
 * (which bounds how long a folder may sit over its cap). Every removal leaves a
 * tombstone in its own mailbox only: nothing reaches across mailboxes or accounts.
 */
export interface RetentionPass {
  phase: 'age' | 'caps'
  /** The last account (age) or mailbox (caps) the pass finished. */
  after: string | null
  /** The earliest age deadline seen so far in this pass. */
  nextDue: number | null
}

export const NEW_PASS: RetentionPass = { phase: 'age', after: null, nextDue: null }

export interface RetentionSettings {
  /** The longest a pass waits for the next (store clock). */
  interval: number
  caps: MailboxCaps
}

const CHUNK = 500
const ACCOUNTS_PER_STEP = 50

export async function retentionStep(
  trx: Transaction<DB>,
  now: number,
  pass: RetentionPass,
  s: RetentionSettings,
): Promise<SweepStep & { pass: RetentionPass }> {
  return pass.phase === 'age' ? ageStep(trx, now, pass) : capsStep(trx, now, pass, s)
}

async function ageStep(
  trx: Transaction<DB>,
  now: number,
  pass: RetentionPass,
): Promise<SweepStep & { pass: RetentionPass }> {
  const accounts = await accountsAfter(trx, pass.after, ACCOUNTS_PER_STEP)
  let { after, nextDue } = pass
  for (const account of accounts) {
    // A mirrored account is the archive of its source: the source applies retention, this copy keeps everything.
    if (await isMirroredAccount(trx, account.id)) {
      after = account.id
      continue
    }
    for (const rule of ageRules(account)) {
      const oldest = await oldestUnderRule(trx, account.id, rule)
      if (!oldest) continue
      const deadline = oldest.creationTime + rule.maxAge
      if (deadline > now) {
        nextDue = nextDue === null ? deadline : Math.min(nextDue, deadline)
        continue
      }
      const mailbox = { accountId: account.id, extensionId: oldest.extensionId }
      await lockMailbox(trx, mailbox)
      const ids = await expiredIds(trx, account.id, oldest.extensionId, rule, now - rule.maxAge, CHUNK)
      const removal = await removeMessages(trx, mailbox, ids, now)
      // The same account again next step, until nothing of it is past its age.
      return { pass: { phase: 'age', after, nextDue }, next: now, blobKeys: removal.blobKeys }
    }
    after = account.id
  }
  const done = accounts.length < ACCOUNTS_PER_STEP
  return {
    pass: done ? { phase: 'caps', after: null, nextDue } : { phase: 'age', after, nextDue },
    next: now,
    blobKeys: [],
  }
}

async function capsStep(
  trx: Transaction<DB>,
  now: number,
  pass: RetentionPass,
  s: RetentionSettings,
): Promise<SweepStep & { pass: RetentionPass }> {
  const mailbox = await nextUncheckedMailbox(trx, pass.after)
  if (mailbox === undefined) {
    const next = Math.min(now + s.interval, pass.nextDue ?? Number.POSITIVE_INFINITY)
    return { pass: NEW_PASS, next: Math.max(next, now + 1), blobKeys: [] }
  }
  if (await isMirroredAccount(trx, mailbox.accountId)) {
    await markChecked(trx, mailbox)
    return { pass: { ...pass, after: mailbox.extensionId }, next: now, blobKeys: [] }
  }
  await lockMailbox(trx, mailbox)
  const folders: CappedFolder[] = cappedFolders(s.caps)
  const counts = await folderCounts(trx, mailbox, folders)
  let budget = CHUNK
  let complete = true
  let removed = 0
  const blobKeys: string[] = []
  for (const [i, folder] of folders.entries()) {
    const excess = counts[i]! - folder.cap
    if (excess <= 0) continue
    const take = Math.min(excess, budget)
    if (take < excess) complete = false
    if (take === 0) continue
    const removal = await removeMessages(trx, mailbox, await oldestInFolder(trx, mailbox, folder, take), now)
    blobKeys.push(...removal.blobKeys)
    removed += removal.removed
    budget -= take
  }
  // More to remove: this mailbox again next step (never in a loop that removes nothing).
  if (!complete && removed > 0) return { pass, next: now, blobKeys }
  await markChecked(trx, mailbox)
  return { pass: { ...pass, after: mailbox.extensionId }, next: now, blobKeys }
}

/**
 * The retention rules and mailbox limits, on the store clock: one step of a pass per
 * run, the pass's progress carried in the payload of the next run, which is enqueued in
 * the same transaction (see PURGE_SWEEP in lifecycle-sweep.ts).
 */
export const RETENTION_SWEEP = jobKind<Partial<RetentionPass>>('retention.sweep')

export function retentionSweepJob(settings: RetentionSettings): JobDefinition<Partial<RetentionPass>> {
  return {
    kind: RETENTION_SWEEP,
    transactional: true,
    maxAttempts: 20,
    async handle(payload, ctx) {
      const pass: RetentionPass = payload.phase ? (payload as RetentionPass) : NEW_PASS
      const step = await retentionStep(ctx.db, ctx.now, pass, settings)
      if (step.blobKeys.length > 0) await ctx.enqueue(BLOB_RELEASE, { keys: step.blobKeys }, ctx.now)
      await ctx.enqueue(RETENTION_SWEEP, step.pass, step.next)
    },
  }
}
