import fs from 'node:fs'
import { type Kysely, sql, type Transaction } from 'kysely'
import { SWEEPS } from '../services/sweeps.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import type { DB } from '../storage/schema.js'
import { ACCOUNT_TABLES, MAILBOX_TABLES, SUBSCRIPTION_TABLES } from './reset-tables.js'

export type ResetScope = { keep: 'accounts' | 'nothing' } | { accountId: string }

export interface ResetDeps {
  db: Kysely<DB>
  dialect: DialectInfo
  /** Frees attachment bytes no attachment references any more. */
  releaseBlobs(keys: string[]): Promise<void>
  /** Removes the archive files or blobs of an export task whose rows are gone. */
  discardArchives(taskId: string, locations: string[]): Promise<void>
  /** Everything this node keeps in memory about the store: cached callers, the journal, fault rules. */
  forgetNodeState(scope: ResetScope): Promise<void>
  /** Wakes the sweeps and whatever else keeps the store's scheduled work going. */
  scheduleWork(): Promise<void>
  /** Applies the `--provision` file again (after `{ keep: "nothing" }`). */
  provisionFile?: string
  provision(file: unknown): Promise<unknown>
}

/** How long a reset waits for a table lock before it lets the other transactions finish and tries again. */
const LOCK_WAIT = '3s'
/** How long a reset keeps trying before it answers an error. */
const GIVE_UP_MS = 60_000

interface Leftovers {
  blobKeys: string[]
  archives: { taskId: string; locations: string[] }[]
}

/**
 * Empties the store (or one account's mailboxes) in one transaction, so a request sees
 * the store before the reset or after it, never half of it.
 *
 * On PostgreSQL the transaction first takes every table it changes in EXCLUSIVE mode:
 * writers of every node wait for it and then write into the emptied store; readers are
 * not held up (a statement reads one snapshot, from before the commit or after it), and
 * so never deadlock with it, whatever order their statements touch the tables in. It waits for
 * a lock at most LOCK_WAIT and then gives up and starts again, so that, should a request
 * hold one of the tables and wait for another, the reset yields and the request finishes
 * (the database's deadlock detector would otherwise fail one of the two). On SQLite the
 * transaction holds the single write lock, and readers see one snapshot or the other.
 */
export async function resetStore(deps: ResetDeps, scope: ResetScope): Promise<void> {
  let leftovers: Leftovers | undefined
  const started = Date.now()
  for (let attempt = 1; !leftovers; attempt++) {
    try {
      leftovers = await deps.db.transaction().execute((trx) => emptyTables(trx, deps.dialect, scope))
    } catch (err) {
      if (Date.now() - started > GIVE_UP_MS || !isLockTimeout(err)) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, 5 * attempt)))
    }
  }
  await deps.forgetNodeState(scope)
  await deps.releaseBlobs(leftovers.blobKeys)
  for (const archive of leftovers.archives) await deps.discardArchives(archive.taskId, archive.locations)
  await deps.scheduleWork()
  if ('keep' in scope && scope.keep === 'nothing' && deps.provisionFile) {
    await deps.provision(JSON.parse(fs.readFileSync(deps.provisionFile, 'utf8')))
  }
}

async function emptyTables(
  trx: Transaction<DB>,
  dialect: DialectInfo,
  scope: ResetScope,
): Promise<Leftovers> {
  const accountId = 'accountId' in scope ? scope.accountId : undefined
  const dropAccounts = 'keep' in scope && scope.keep === 'nothing'
  const mailboxTables = [...SUBSCRIPTION_TABLES, ...MAILBOX_TABLES]
  if (dialect.supportsRowLocks) {
    await sql`set local lock_timeout = ${sql.lit(LOCK_WAIT)}`.execute(trx)
    // `mailboxes` first: every write to a mailbox raises its change number before it
    // touches anything else, so once the reset holds this table no writer is half-way.
    // `jobs` is not locked: a job runs in a transaction holding its row and then its
    // mailbox; the reset leaves running jobs alone (SKIP LOCKED below) rather than wait.
    const tables = [
      'mailboxes',
      ...mailboxTables.map((t) => t.table),
      ...(dropAccounts ? ACCOUNT_TABLES.filter((t) => t !== 'mailboxes') : []),
    ]
    await sql`lock table ${sql.join(tables.map((t) => sql.table(t)))} in exclusive mode`.execute(trx)
  }
  const inAccount = (column: string) =>
    accountId === undefined ? sql`` : sql` where ${sql.ref(column)} = ${accountId}`

  const blobKeys = (
    await sql<{ blob_key: string }>`select distinct blob_key from attachments${
      accountId === undefined
        ? sql` where blob_key is not null`
        : sql` where account_id = ${accountId} and blob_key is not null`
    }`.execute(trx)
  ).rows.map((r) => r.blob_key)
  const archiveRows = (
    await sql<{
      task_id: string
      location: string | null
    }>`select t.id as task_id, a.location from export_tasks t
      left join export_archives a on a.task_id = t.id${accountId === undefined ? sql`` : sql` where t.account_id = ${accountId}`}`.execute(
      trx,
    )
  ).rows
  const archives = new Map<string, string[]>()
  for (const row of archiveRows) {
    const locations = archives.get(row.task_id) ?? []
    if (row.location) locations.push(row.location)
    archives.set(row.task_id, locations)
  }

  for (const { table, account } of mailboxTables) {
    await sql`delete from ${sql.table(table)}${inAccount(account)}`.execute(trx)
  }
  if (accountId === undefined) {
    // The sweeps exist exactly once each and stay. A job running now finds its messages gone.
    const skipRunning = dialect.supportsRowLocks ? sql` for update skip locked` : sql``
    await sql`delete from jobs where id in (select id from jobs
      where name not in (${sql.join(SWEEPS.map((s) => sql.lit(s)))})${skipRunning})`.execute(trx)
    await sql`delete from fault_rules`.execute(trx)
  }
  if (dropAccounts) {
    for (const table of ACCOUNT_TABLES) await sql`delete from ${sql.table(table)}`.execute(trx)
  } else {
    // Every page and sync token read before the reset names a change number below the new floor.
    await sql`update mailboxes set change_seq = change_seq + 1, sync_floor = change_seq + 1,
      retention_seq = change_seq + 1${inAccount('account_id')}`.execute(trx)
  }
  return {
    blobKeys,
    archives: [...archives].map(([taskId, locations]) => ({ taskId, locations })),
  }
}

function isLockTimeout(err: unknown): boolean {
  // 55P03 lock_not_available; 40P01 deadlock_detected (the reset was chosen; it tries again).
  const code = (err as { code?: unknown } | null)?.code
  return code === '55P03' || code === '40P01'
}
