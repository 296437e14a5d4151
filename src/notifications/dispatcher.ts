import type { Kysely, SelectQueryBuilder } from 'kysely'
import type pg from 'pg'
import type { PublicUrl } from '../app/services.js'
import type { Clock } from '../domain/clock.js'
import { outboxCommits } from '../storage/repositories/notification-outbox.js'
import type { DB } from '../storage/schema.js'
import { type ChangeGroup, envelope, eventsFor, groupChanges } from './events.js'
import type { Gateway } from './gateway.js'
import { notificationCounters } from './metrics.js'
import { OUTBOX_BATCH, OUTBOX_COLUMNS, type OutboxSelect, toRow } from './outbox-rows.js'
import { REMINDER_CHECK_MS } from './reminders.js'
import type { SubscriptionRow } from './subscriptions.js'
import type { WebhookWorker } from './webhook-delivery.js'
import { WebhookFanOut } from './webhook-fan-out.js'

// biome-ignore lint/suspicious/noExplicitAny: the selection is spelled once, in outboxRows
type OutboxQuery = SelectQueryBuilder<DB, 'notification_outbox', any>

/** The longest a dispatcher waits before looking at the outbox again (the safety net). */
const POLL_MS = 100
/** An outbox id this old (real time) is settled: no transaction still holding a lower id commits later. */
const SETTLED_MS = 10_000
const KEEP_MS = 5 * 60_000

/**
 * Reads the outbox. Every node pushes the rows to its own WebSocket sessions (each
 * node reads every row, in id order, remembering what it has pushed); one node at a
 * time, holding `notification_state`'s row, turns pending rows into webhook queue rows
 * in the transaction that marks them done. A wake-up comes right after this process's own
 * commits of outbox rows, from PostgreSQL's NOTIFY on other nodes' commits, and from a poll.
 */
export class OutboxDispatcher {
  /** Every id at or below this is settled and pushed (PostgreSQL's late commits). */
  private lowWater = 0
  /** The highest id pushed. */
  private maxSeen = 0
  private readonly pushed = new Map<number, number>()
  private readonly webhookFanOut: WebhookFanOut
  private timer?: NodeJS.Timeout
  private immediate?: NodeJS.Immediate
  private stopped = true
  private busy = false
  private again = false
  private listener?: pg.Client
  private lastPrune = 0
  private lastReminderCheck = 0
  private readonly onCommit = () => this.kick()
  /** In-process listeners of every change group (the web inbox's event stream). */
  private readonly listeners = new Set<(groups: ChangeGroup[]) => void>()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly lockRows: boolean,
    private readonly clock: Clock,
    private readonly publicUrl: PublicUrl,
    private readonly gateway: () => Gateway | undefined,
    private readonly webhooks: WebhookWorker,
    /** A subscription as `GET /subscription/{id}` answers it (the body of a reminder). */
    describe: (row: SubscriptionRow) => Record<string, unknown>,
    private readonly log: { error(obj: object, msg: string): void },
    /** Resolves once every commit so far is on disk (DialectInfo.durable). */
    private readonly durable: () => Promise<void>,
    private readonly listenUrl?: string,
  ) {
    this.webhookFanOut = new WebhookFanOut(db, lockRows, clock, publicUrl, describe)
  }

  async start(): Promise<void> {
    this.stopped = false
    // Changes committed before this node started were for sockets that no longer exist.
    const max = await this.db
      .selectFrom('notification_outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst()
    this.lowWater = Number(max?.id ?? 0)
    this.maxSeen = this.lowWater
    outboxCommits.on('commit', this.onCommit)
    if (this.listenUrl)
      await this.listen(this.listenUrl).catch((err) => this.log.error({ err }, 'outbox LISTEN failed'))
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    outboxCommits.off('commit', this.onCommit)
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    await this.listener?.end().catch(() => {})
    for (let i = 0; i < 100 && this.busy; i++) await new Promise((r) => setTimeout(r, 20))
  }

  /** Calls `listener` with each batch of change groups this node reads; answers the unsubscribe. */
  onChanges(listener: (groups: ChangeGroup[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Runs a pass now (the manual clock moved, or tests want it). */
  async runOnce(): Promise<void> {
    await this.pass()
  }

  private async listen(url: string): Promise<void> {
    // PostgreSQL only: the driver is loaded here, not on every start (see storage/database.ts).
    const { default: driver } = await import('pg')
    const client = new driver.Client({ connectionString: url })
    client.on('error', () => {})
    client.on('notification', () => this.kick())
    await client.connect()
    await client.query('LISTEN msgstore_outbox')
    this.listener = client
  }

  /**
   * A pass as soon as the current one ends: right after a commit of this process that
   * wrote outbox rows (the commit signal), or a NOTIFY of another node's.
   */
  private kick(): void {
    if (this.stopped) return
    if (this.busy) {
      this.again = true
      return
    }
    this.schedule(0)
  }

  /** The next pass in `ms`; 0 is on the next turn of the event loop, not after a timer's millisecond. */
  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = this.immediate = undefined
    const run = () => {
      this.timer = this.immediate = undefined
      this.pass()
        .catch((err) => this.log.error({ err }, 'outbox dispatch failed'))
        .finally(() => {
          if (this.stopped) return
          const next = this.again ? 0 : POLL_MS
          this.again = false
          this.schedule(next)
        })
    }
    if (ms === 0) this.immediate = setImmediate(run)
    else this.timer = setTimeout(run, ms)
  }

  private async pass(): Promise<void> {
    if (this.busy) {
      this.again = true
      return
    }
    this.busy = true
    try {
      await this.pushToSockets()
      let queued = await this.webhookFanOut.queueChanges()
      if (Date.now() - this.lastReminderCheck >= REMINDER_CHECK_MS) {
        this.lastReminderCheck = Date.now()
        queued += await this.webhookFanOut.queueReminders()
        this.gateway()?.remindSessions(this.clock.now())
      }
      if (queued > 0) this.webhooks.wake()
      if (Date.now() - this.lastPrune > 30_000) await this.prune()
    } finally {
      this.busy = false
    }
  }

  private async pushToSockets(): Promise<void> {
    const fresh = await this.outboxRows((q) => q.where('id', '>', this.maxSeen).limit(OUTBOX_BATCH))
    let rows = fresh
    if (this.lockRows) {
      for (const r of fresh) this.pushed.set(Number(r.id), Number(r.posted_at))
      if (fresh.length > 0) this.maxSeen = Number(fresh[fresh.length - 1]!.id)
      const late = await this.lateRows()
      if (late.length) rows = [...late, ...fresh].sort((a, b) => Number(a.id) - Number(b.id))
    }
    const gateway = this.gateway()
    const live =
      rows.length > 0 && gateway?.hasSubscribers()
        ? await this.liveSessions(groupChanges(rows.map(toRow)), gateway)
        : undefined
    if (!this.lockRows) {
      // SQLite commits one writer at a time, in id order: no id can appear below one pushed.
      rows = rows.filter((r) => Number(r.id) > this.maxSeen)
      if (rows.length > 0) this.maxSeen = Number(rows[rows.length - 1]!.id)
    }
    if (rows.length > 0) await this.durable()
    this.deliver(rows, live)
  }

  /** Hands rows to the in-process listeners, and to the sockets whose OAuth session is in `live`. */
  private deliver(rows: OutboxSelect[], live: Set<string> | undefined): void {
    if (rows.length === 0) return
    const groups = groupChanges(rows.map(toRow))
    for (const listener of this.listeners) listener(groups)
    const gateway = this.gateway()
    if (!live || !gateway) return
    const base = this.publicUrl.bytes
    for (const group of groups) {
      for (const session of gateway.sessionsFor(group.accountId, group.extensionId)) {
        const sub = session.subscription
        if (!sub || !live.has(session.principal.sessionId)) continue
        for (const filter of sub.filters) {
          for (const event of eventsFor(filter, group, base)) {
            session.notify(envelope(event, sub.id, session.principal.extensionId))
            notificationCounters.webSocketNotifications++
          }
        }
      }
    }
  }

  private sessionIds(groups: ChangeGroup[], gateway: Gateway): Set<string> {
    const ids = new Set<string>()
    for (const group of groups)
      for (const session of gateway.sessionsFor(group.accountId, group.extensionId))
        ids.add(session.principal.sessionId)
    return ids
  }

  private sessionsQuery(ids: string[]) {
    return this.db.selectFrom('oauth_sessions').select(['id', 'status']).where('id', 'in', ids)
  }

  /**
   * The OAuth sessions, among those of the sockets these groups go to, that still act
   * for an enabled user: a subscription of a user who was disabled, or whose session
   * ended (logout, revocation), delivers nothing more.
   */
  private async liveSessions(groups: ChangeGroup[], gateway: Gateway): Promise<Set<string>> {
    const all = [...this.sessionIds(groups, gateway)]
    const live = new Set<string>()
    for (let i = 0; i < all.length; i += 500) {
      const rows = await this.sessionsQuery(all.slice(i, i + 500)).execute()
      for (const r of rows) if ((r.status ?? 'Enabled') === 'Enabled') live.add(r.id)
    }
    return live
  }

  /**
   * PostgreSQL hands out ids when rows are written, not when they commit: a row may
   * appear below ids already pushed. Ids between the settled floor and the highest seen
   * are checked each pass; those older than SETTLED_MS are final and forgotten.
   */
  private async lateRows() {
    const ids = await this.db
      .selectFrom('notification_outbox')
      .select(['id', 'posted_at'])
      .where('id', '>', this.lowWater)
      .where('id', '<=', this.maxSeen)
      .orderBy('id')
      .execute()
    const missing = ids.filter((r) => !this.pushed.has(Number(r.id))).map((r) => Number(r.id))
    const late = missing.length
      ? await this.outboxRows((q) => q.where('id', 'in', missing.slice(0, OUTBOX_BATCH)))
      : []
    for (const r of late) this.pushed.set(Number(r.id), Number(r.posted_at))
    const settled = Date.now() - SETTLED_MS
    for (const r of ids) {
      if (Number(r.posted_at) > settled) break
      this.lowWater = Number(r.id)
    }
    for (const id of this.pushed.keys()) if (id <= this.lowWater) this.pushed.delete(id)
    return late
  }

  private outboxRows(where: (q: OutboxQuery) => OutboxQuery): Promise<OutboxSelect[]> {
    return where(
      this.db.selectFrom('notification_outbox').select(OUTBOX_COLUMNS).orderBy('id'),
    ).execute() as Promise<OutboxSelect[]>
  }

  private async prune(): Promise<void> {
    this.lastPrune = Date.now()
    await this.db
      .deleteFrom('notification_outbox')
      .where('fanned_out', '=', 1)
      .where('posted_at', '<', Date.now() - KEEP_MS)
      .execute()
  }
}
