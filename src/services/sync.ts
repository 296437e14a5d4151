import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import { errors } from '../domain/errors.js'
import type { MailboxKey } from '../domain/mailbox.js'
import { type Query, single } from '../domain/message/list-query.js'
import { BASE_MARK } from '../domain/message/record.js'
import {
  above,
  addedRegions,
  type Cursor,
  minCursor,
  parseFrame,
  parseWidening,
  type SyncFrame,
  widenDates,
} from '../domain/sync/frame.js'
import { checkTokenMailbox, encodeSyncToken, openSyncToken, type SyncState } from '../domain/sync/token.js'
import { messagePath } from '../domain/uris.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import {
  type ChangedRecord,
  changesSince,
  frameRecords,
  newestOfConversations,
  nthNewest,
  regionRecords,
} from '../storage/repositories/sync.js'
import { prunedSeq } from '../storage/repositories/tombstones.js'
import type { DB } from '../storage/schema.js'

export type SyncType = 'FSync' | 'ISync'

export interface SyncResult {
  syncType: SyncType
  /** Pre-rendered records as text (base URL marked, see domain/message/record.ts), in answer order. */
  records: string[]
  syncToken: string
  syncTime: number
  olderRecordsExist: boolean
}

const SYNC_TYPES: SyncType[] = ['FSync', 'ISync']

/**
 * Message sync (FSync / ISync, see the message sync guide).
 *
 * Why an ISync misses nothing: every change of a mailbox (new message, read status,
 * availability, delivery status, removal) takes the mailbox's next change sequence
 * number while holding the mailbox row (its row lock on PostgreSQL, the single writer
 * on SQLite) until it commits. So a change numbered N commits after every change
 * numbered below N, and any state of the database that holds change N holds every
 * change below it. A sync reads the mailbox's current number H and the records in ONE
 * statement, that is one snapshot: it answers every change numbered in (token, H] in
 * its latest state, and the new token says H. A change not in that snapshot commits
 * later, so it is numbered above H and the next ISync answers it. A message changed
 * twice carries its latest number only, which is above the token whenever any of its
 * changes is.
 */
export class SyncService {
  /** Tokens seen lately, opened (a sealed token always opens to the same state), and tokens issued lately. */
  private readonly opened = new Map<string, SyncState>()
  private readonly issued = new Map<string, string>()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: DialectInfo,
    private readonly clock: Clock,
    private readonly key: Uint8Array,
  ) {}

  async sync(mailbox: MailboxKey, query: Query): Promise<SyncResult> {
    const token = single(query, 'syncToken')?.trim()
    const typeParam = single(query, 'syncType')
    let syncType: SyncType
    if (typeParam === undefined || typeParam === '') syncType = token ? 'ISync' : 'FSync'
    else if (SYNC_TYPES.includes(typeParam as SyncType)) syncType = typeParam as SyncType
    else throw errors.invalidParameter('syncType', `Allowed values: ${SYNC_TYPES.join(', ')}.`)
    if (syncType === 'FSync') return this.full(mailbox, query)
    if (!token) throw errors.syncTokenRequired()
    return this.incremental(mailbox, query, token)
  }

  private async full(mailbox: MailboxKey, query: Query): Promise<SyncResult> {
    const now = this.clock.now()
    const { frame: requested, recordCount } = parseFrame(query, now)
    const limit = recordCount === undefined ? undefined : recordCount + 1
    const found = await frameRecords(this.db, this.dialect, mailbox, requested, limit)
    if (!found) throw errors.notFound('extensionId')
    let records = found.records
    let frame = requested
    let olderRecordsExist: boolean
    if (recordCount !== undefined && records.length > recordCount) {
      // The frame ends where the first record left out begins.
      const next = records[recordCount]!
      frame = { ...requested, lower: above([next.creationTime, next.id]) }
      records = records.slice(0, recordCount)
      olderRecordsExist = true
    } else {
      olderRecordsExist = found.olderExist
    }
    return {
      syncType: 'FSync',
      records: records.map((r) => r.record),
      syncToken: this.token(mailbox, found.high, frame),
      syncTime: now,
      olderRecordsExist,
    }
  }

  private async incremental(mailbox: MailboxKey, query: Query, token: string): Promise<SyncResult> {
    const now = this.clock.now()
    const state = this.open(token)
    checkTokenMailbox(state, mailbox)
    const widening = parseWidening(query)
    const frame = await this.widen(
      mailbox,
      state.frame,
      widening.recordCount,
      widenDates(state.frame, widening),
    )
    const answer = new Map<number, string>()

    // What the widening added, read before the changes: a record changed in between is
    // numbered above the token, so the changes below replace it with its later state.
    for (const region of addedRegions(state.frame, frame)) {
      for (const r of await regionRecords(this.db, this.dialect, mailbox, frame, region))
        answer.set(r.id, r.record)
    }

    const found = await changesSince(this.db, this.dialect, mailbox, frame, state.seq)
    if (!found) throw errors.notFound('extensionId')
    // A number this mailbox never reached: the token belongs to some other store's past.
    if (found.high < state.seq) throw errors.invalidSyncToken()
    // Read after the changes: a prune committed before them is seen here, so a token
    // that lost a removal to the sync horizon is never answered as if complete.
    if (state.seq < (await prunedSeq(this.db, mailbox))) throw errors.fullSyncRequired()
    // Expired on demand (admin expire-sync-tokens, reset): refused as RingCentral refuses an expired token.
    if (state.seq < found.floor)
      throw errors.invalidSyncToken('The token has expired; start again with FSync.')

    const touched = new Set<number>()
    for (const change of found.changes) {
      answer.delete(change.id)
      if (change.availability !== 'Alive') answer.set(change.id, gone(mailbox, change))
      else if (!frame.distinct || change.conversationId === null) answer.set(change.id, change.record!)
      if (frame.distinct && change.conversationId !== null) touched.add(change.conversationId)
    }
    if (touched.size > 0) {
      // A conversation that changed is answered with its newest message in the frame; the
      // client keeps one message per conversation and replaces the one it had.
      for (const r of await newestOfConversations(this.db, this.dialect, mailbox, frame, [...touched])) {
        answer.delete(r.id)
        answer.set(r.id, r.record)
      }
    }
    return {
      syncType: 'ISync',
      records: [...answer.values()],
      syncToken: this.token(mailbox, found.high, frame),
      syncTime: now,
      olderRecordsExist: found.olderExist,
    }
  }

  /** A larger `recordCount` reaches down to the frame's `recordCount`th newest record, never up. */
  private async widen(
    mailbox: MailboxKey,
    original: SyncFrame,
    recordCount: number | undefined,
    dated: SyncFrame,
  ): Promise<SyncFrame> {
    if (recordCount === undefined || recordCount === 0) return dated
    const whole: Cursor = [dated.from, 0]
    const nth = await nthNewest(this.db, mailbox, { ...dated, lower: whole }, recordCount)
    return { ...dated, lower: minCursor(minCursor(dated.lower, original.lower), nth ?? whole) }
  }

  private open(token: string): SyncState {
    let state = this.opened.get(token)
    if (!state) {
      state = openSyncToken(this.key, token)
      remember(this.opened, token, state)
    }
    return state
  }

  /** A client polling a quiet mailbox gets the same token again, sealed once. */
  private token(mailbox: MailboxKey, seq: number, frame: SyncFrame): string {
    const state = { accountId: mailbox.accountId, extensionId: mailbox.extensionId, seq, frame }
    const id = JSON.stringify(state)
    let token = this.issued.get(id)
    if (!token) {
      token = encodeSyncToken(this.key, state)
      remember(this.issued, id, token)
    }
    return token
  }
}

const REMEMBERED = 1024

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= REMEMBERED) map.delete(map.keys().next().value as string)
  map.set(key, value)
}

/** What a client needs to drop a message: its id and availability (a removed message reads Purged). */
function gone(mailbox: MailboxKey, change: ChangedRecord): string {
  const availability = change.availability === 'Removed' ? 'Purged' : change.availability
  const uri = `${BASE_MARK}${messagePath(mailbox, change.id)}`
  return `{"uri":"${uri}","id":${change.id},"availability":"${availability}"}`
}
