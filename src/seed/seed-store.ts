import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import type { Clock } from '../domain/clock.js'
import { conversationIdOf, participantsKey } from '../domain/message/conversation.js'
import type { Party } from '../domain/message/model.js'
import { GRANT_TYPES, PERMISSIONS } from '../domain/provisioning-file.js'
import { hashPassword } from '../lib/secrets.js'
import { provision } from '../services/provisioning/provisioning.js'
import type { Database } from '../storage/database.js'
import { maxId, syncIdGenerator } from '../storage/repositories/bulk-insert.js'
import { partyDigits } from '../storage/repositories/messages.js'
import type { DB } from '../storage/schema.js'
import { BatchWriter, InlineSource, WorkerSource } from './batch-pipeline.js'
import { AREAS, FIRST_NAMES, LAST_NAMES, storePayloads } from './payloads.js'
import type { PlannedMailbox, SeedKind, SeedPlan } from './plan.js'
import { SEED_APP, SEED_PASSWORD } from './seed-account.js'

/**
 * `msgstore seed`: fills a store with synthetic accounts, extensions and messages of
 * every type, for demos and benchmarks.
 *
 * Accounts and extensions go through the provisioning code; every user gets the
 * same password. Messages are written in batches, one transaction each, with
 * multi-row INSERTs of complete rows, the pre-rendered record included. A worker
 * thread generates and renders the next batch (row-generator.ts) while this thread
 * writes the current one. Ids and change sequence numbers are planned from the
 * store's state at the start; each transaction checks that no other writer has
 * moved it since (largest ids, the mailboxes' change sequences) before writing.
 *
 * On a database with a bulk-load mode (SQLite, see storage/dialects/sqlite-bulk-load.ts)
 * the secondary indexes of `messages` and `attachments` are built once after the last
 * batch instead of row by row, when the seed at least doubles the store; the time of
 * building them counts as time of writing the messages.
 */

export interface SeedOptions {
  accounts: number
  /** Extensions per account. */
  extensions: number
  /** Messages in all. */
  messages: number
  /** Creation times spread over this many days before now. */
  days?: number
  /** Messages per transaction. */
  batchSize?: number
  /** Generate rows in a worker thread (default) or in this one. */
  worker?: boolean
}

export interface SeedDeps {
  db: Kysely<DB>
  database: Pick<Database, 'dialect'>
  blobs: BlobStore
  clock: Clock
}

export interface SeededExtension {
  id: string
  extensionNumber: string
  name: string
  role: 'SuperAdmin' | 'User'
  phoneNumber: string
}

export interface SeededAccount {
  id: string
  name: string
  mainNumber: string
  extensions: SeededExtension[]
}

export type { SeedKind }

export interface SeedResult {
  accounts: SeededAccount[]
  messages: number
  byKind: Record<SeedKind, number>
  attachments: number
  conversations: number
  blobs: { count: number; bytes: number }
  /** Provisioning and attachment payloads. */
  setupMs: number
  /** Writing the messages. */
  messagesMs: number
}

const DAY = 24 * 60 * 60 * 1000
const DEFAULT_BATCH = 5000

const random = Math.random
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!

export async function seedStore(
  deps: SeedDeps,
  options: SeedOptions,
  onProgress?: (messagesDone: number, phase?: 'indexing') => void,
): Promise<SeedResult> {
  const started = performance.now()
  const now = deps.clock.now()
  const { accounts, mailboxes } = await provisionAccounts(deps.db, options, now)
  const { payloads, blobs } = await storePayloads(deps.blobs)
  const plan: SeedPlan = {
    mailboxes,
    payloads,
    now,
    span: (options.days ?? 30) * DAY,
    total: options.messages,
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    nextMessageId: (await maxId(deps.db, 'messages')) + 1,
    nextAttachmentId: (await maxId(deps.db, 'attachments')) + 1,
  }
  const setupMs = performance.now() - started

  const writing = performance.now()
  // Run from the TypeScript sources (tsx), a worker thread would not load: generate inline then.
  const inline = options.worker === false || import.meta.url.endsWith('.ts')
  const source = inline ? new InlineSource(plan) : new WorkerSource(plan)
  const writer = new BatchWriter(deps.db)
  const byKind: Record<SeedKind, number> = { SMS: 0, MMS: 0, VoiceMail: 0, Fax: 0 }
  let done = 0
  // Building an index afresh reads every row of its table, those already there too:
  // worth it when the new rows are at least as many (ids handed out bound the old rows).
  const bulkLoad =
    options.messages > 0 && options.messages >= plan.nextMessageId - 1
      ? deps.database.dialect.bulkLoad
      : undefined
  await bulkLoad?.start(deps.db, ['messages', 'attachments'])
  try {
    for (let batch = await source.next(); batch; batch = await source.next()) {
      await writer.write(batch)
      for (const kind of Object.keys(byKind) as SeedKind[]) byKind[kind] += batch.byKind[kind]
      done += batch.messages
      onProgress?.(done)
      // Let timers and signals in between batches (the SQLite driver never leaves the microtask queue).
      await new Promise((resolve) => setImmediate(resolve))
    }
  } finally {
    await source.close()
    if (bulkLoad) {
      onProgress?.(done, 'indexing')
      await bulkLoad.finish(deps.db)
    }
  }
  await syncIdGenerator(deps.db, 'messages')
  await syncIdGenerator(deps.db, 'attachments')
  if (done > 0) await deps.database.dialect.afterBulkWrite?.(deps.db, ['messages', 'attachments'])
  return {
    accounts,
    messages: done,
    byKind,
    attachments: writer.attachments,
    conversations: writer.conversations,
    blobs,
    setupMs,
    messagesMs: performance.now() - writing,
  }
}

// Accounts and extensions ----------------------------------------------------------

/** Numbers msgstore already knows (owned, or an account's main number). */
async function takenNumbers(db: Kysely<DB>): Promise<Set<string>> {
  const owned = await db.selectFrom('phone_numbers').select('phone_number').execute()
  const mains = await db
    .selectFrom('accounts')
    .select('main_number')
    .where('main_number', 'is not', null)
    .execute()
  return new Set([...owned.map((r) => r.phone_number), ...mains.map((r) => r.main_number!)])
}

async function provisionAccounts(db: Kysely<DB>, options: SeedOptions, now: number) {
  const taken = await takenNumbers(db)
  // Store numbers are +1 650 2xx-xxxx upwards; outside contacts use other area codes.
  let next = 2_000_000
  const storeNumber = () => {
    for (;;) {
      const number = `+1650${next++}`
      if (next > 9_999_999) throw new Error('seed: out of phone numbers')
      if (!taken.has(number)) {
        taken.add(number)
        return number
      }
    }
  }
  const specs = Array.from({ length: options.accounts }, (_, a) => ({
    name: `Seed Company ${a + 1}`,
    mainNumber: storeNumber(),
    extensions: Array.from({ length: options.extensions }, (_, e) => ({
      extensionNumber: String(101 + e),
      name: `${FIRST_NAMES[e % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(e / FIRST_NAMES.length) % LAST_NAMES.length]}`,
      role: e === 0 ? ('SuperAdmin' as const) : ('User' as const),
      phoneNumbers: [storeNumber()],
    })),
  }))
  const result = await provision(
    db,
    {
      accounts: specs,
      apps: [
        {
          ...SEED_APP,
          name: 'Seed app',
          grantTypes: GRANT_TYPES.filter((g) => g !== 'authorization_code'),
          permissions: [...PERMISSIONS],
        },
      ],
    },
    now,
  )
  const accounts: SeededAccount[] = result.accounts.map((account, a) => ({
    id: account.id,
    name: account.name,
    mainNumber: specs[a]!.mainNumber,
    extensions: account.extensions.map((ext, e) => ({
      id: ext.id,
      extensionNumber: ext.extensionNumber,
      name: specs[a]!.extensions[e]!.name,
      role: specs[a]!.extensions[e]!.role,
      phoneNumber: specs[a]!.extensions[e]!.phoneNumbers[0]!,
    })),
  }))
  // One hash for every seeded user: scrypt is slow on purpose, and these are test accounts.
  const passwordHash = await hashPassword(SEED_PASSWORD)
  const ids = accounts.flatMap((a) => a.extensions.map((e) => e.id))
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .updateTable('extensions')
      .set({ password_hash: passwordHash })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute()
  }

  const mailboxes: PlannedMailbox[] = []
  for (const account of accounts) {
    const outside = outsideContacts(taken, Math.max(40, 3 * account.extensions.length))
    for (const ext of account.extensions) {
      const party: Party = { phoneNumber: ext.phoneNumber, name: ext.name }
      const contacts = Array.from({ length: 4 + Math.floor(random() * 17) }, () => pick(outside))
      mailboxes.push({
        accountId: account.id,
        extensionId: ext.id,
        party,
        partyJson: JSON.stringify(party),
        // Provisioning has just created the mailbox.
        changeSeq: 0,
        contacts: [...new Set(contacts)].map((other) => {
          const numbers = [ext.phoneNumber, other.phoneNumber!]
          return {
            party: other,
            partyJson: JSON.stringify(other),
            conversationId: conversationIdOf(account.id, numbers),
            participants: participantsKey(numbers),
            inboundDigits: partyDigits([other, party]),
            outboundDigits: partyDigits([party, other]),
          }
        }),
      })
    }
  }
  return { accounts, mailboxes }
}

/** Outside numbers of an account's correspondents; some show a caller-id name and place. */
function outsideContacts(taken: Set<string>, count: number): Party[] {
  const out: Party[] = []
  while (out.length < count) {
    const [area, location] = pick(AREAS)
    const number = `+1${area}${2 + Math.floor(random() * 8)}${String(Math.floor(random() * 1e6)).padStart(6, '0')}`
    if (taken.has(number)) continue
    taken.add(number)
    const party: Party = { phoneNumber: number }
    if (random() < 0.4) {
      party.name = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`
      party.location = location
    }
    out.push(party)
  }
  return out
}
