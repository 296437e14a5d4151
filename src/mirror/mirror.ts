import type { MirrorStateRepository } from '../storage/repositories/mirror-state.js'
import { SourceEvents } from './events.js'
import type { MirrorKeeper, SourceExtension } from './keeper.js'
import { MailboxSync, type MailboxSyncResult } from './mailbox-sync.js'
import type { SourceClient } from './source.js'

export interface MirrorOptions {
  /** The local account the source's mailboxes are kept in. */
  accountId: string
  /** The source server's URL (kept with the state, shown by the status route). */
  source: string
  keepDeleted: boolean
  /** Records asked for per sync answer of a full copy (see MailboxSyncOptions). */
  syncRecords: number
  /** Mailboxes synced at once. */
  concurrency: number
  /** Milliseconds between two passes over every mailbox, the safety net under the events. */
  intervalMs: number
  now: () => number
  /** One line per synced mailbox and per pass. */
  report: (line: string) => void
}

export interface PassSummary {
  mailboxes: number
  messages: number
  attachments: number
  failed: number
  seconds: number
}

interface Totals {
  messages: number
  attachments: number
  failed: number
}

/**
 * Keeps the local account in step with the source: lists the source's extensions
 * (a new one is picked up by the next pass), syncs each mailbox (mailbox-sync.ts) with
 * at most `concurrency` at once, again whenever the source's events name it, and every
 * mailbox on each periodic pass. A mailbox asked for while it syncs is synced once more
 * after, never twice at the same time.
 */
export class Mirror {
  private readonly extensions = new Map<string, SourceExtension>()
  private readonly pending = new Set<string>()
  private readonly running = new Set<string>()
  private idle: (() => void)[] = []
  private events?: SourceEvents
  private timer?: NodeJS.Timeout
  private stopped = false
  private passing?: Promise<PassSummary>
  private readonly totals: Totals = { messages: 0, attachments: 0, failed: 0 }
  private readonly mailboxSync: MailboxSync

  constructor(
    private readonly source: SourceClient,
    keeper: MirrorKeeper,
    private readonly state: MirrorStateRepository,
    private readonly options: MirrorOptions,
    downloads = 4,
  ) {
    this.mailboxSync = new MailboxSync(source, keeper, state, {
      accountId: options.accountId,
      keepDeleted: options.keepDeleted,
      syncRecords: options.syncRecords,
      downloads,
      now: options.now,
    })
  }

  /** Logs in and makes one pass over every mailbox. */
  async once(): Promise<PassSummary> {
    await this.source.login()
    return this.pass()
  }

  /** Logs in, follows the source's events and passes periodically until `stop`. */
  async follow(): Promise<void> {
    await this.source.login()
    this.events = new SourceEvents(this.source, this.options.source, {
      onChange: (extensionId) => {
        if (this.extensions.has(extensionId)) this.request(extensionId)
      },
      onReconnect: () => {
        for (const id of this.extensions.keys()) this.request(id)
      },
    })
    await this.safePass()
    await new Promise<void>((resolve) => {
      const next = () => {
        if (this.stopped) return resolve()
        this.timer = setTimeout(async () => {
          await this.safePass()
          next()
        }, this.options.intervalMs)
      }
      this.stopResolve = resolve
      next()
    })
  }

  private stopResolve?: () => void

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.pending.clear()
    this.stopResolve?.()
    await this.events?.close()
    await this.whenIdle()
  }

  /** One pass: the extension list, the subscription, then every mailbox. */
  async pass(): Promise<PassSummary> {
    if (this.passing) return this.passing
    this.passing = this.runPass().finally(() => {
      this.passing = undefined
    })
    return this.passing
  }

  private async safePass(): Promise<void> {
    try {
      await this.pass()
    } catch (e) {
      this.options.report(`mirror: pass failed: ${(e as Error).message}`)
    }
  }

  private async runPass(): Promise<PassSummary> {
    const started = performance.now()
    const before = { ...this.totals }
    const listed = await this.listExtensions()
    for (const extension of listed) {
      if (!this.extensions.has(extension.id)) {
        await this.state.ensure(
          { accountId: this.options.accountId, extensionId: extension.id },
          this.options.source,
          extension.extensionNumber ?? null,
        )
      }
      this.extensions.set(extension.id, extension)
    }
    if (this.events && !this.stopped) {
      try {
        await this.events.follow([...this.extensions.keys()])
      } catch (e) {
        // The periodic pass still keeps the mirror in step; the next one subscribes again.
        this.options.report(`mirror: no event subscription: ${(e as Error).message}`)
      }
    }
    for (const extension of listed) this.request(extension.id)
    await this.whenIdle()
    const summary = {
      mailboxes: listed.length,
      messages: this.totals.messages - before.messages,
      attachments: this.totals.attachments - before.attachments,
      failed: this.totals.failed - before.failed,
      seconds: (performance.now() - started) / 1000,
    }
    this.options.report(
      `mirror: pass over ${summary.mailboxes} mailboxes: ${summary.messages} messages, ${summary.attachments} attachments, ${summary.failed} failed, ${summary.seconds.toFixed(1)} s`,
    )
    return summary
  }

  private async listExtensions(): Promise<SourceExtension[]> {
    const found: SourceExtension[] = []
    for (let page = 1; ; page += 1) {
      const answer = await this.source.getJson<ExtensionPage>(
        'extensions',
        '/restapi/v1.0/account/~/extension',
        {
          page,
          perPage: 1000,
        },
      )
      for (const e of answer.records ?? []) {
        found.push({
          id: String(e.id),
          extensionNumber: e.extensionNumber,
          name: e.name,
          type: e.type,
          status: e.status,
        })
      }
      const totalPages = answer.paging?.totalPages
      const more =
        answer.navigation?.nextPage !== undefined || (totalPages !== undefined && page < totalPages)
      if (!more || (answer.records ?? []).length === 0) return found
    }
  }

  /** Asks for a sync of one mailbox: at once if a slot is free, else after those ahead of it. */
  request(extensionId: string): void {
    if (this.stopped) return
    this.pending.add(extensionId)
    this.pump()
  }

  private pump(): void {
    for (const id of this.pending) {
      if (this.running.size >= this.options.concurrency) break
      if (this.running.has(id)) continue
      this.pending.delete(id)
      this.running.add(id)
      void this.syncOne(id).finally(() => {
        this.running.delete(id)
        this.pump()
        if (this.running.size === 0 && this.pending.size === 0) {
          const waiting = this.idle
          this.idle = []
          for (const resolve of waiting) resolve()
        }
      })
    }
  }

  private whenIdle(): Promise<void> {
    if (this.running.size === 0 && this.pending.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  private async syncOne(extensionId: string): Promise<void> {
    const extension = this.extensions.get(extensionId)
    if (!extension) return
    const label = `${extension.id}${extension.extensionNumber ? ` (${extension.extensionNumber})` : ''}`
    let result: MailboxSyncResult
    try {
      result = await this.mailboxSync.run(extension)
    } catch (e) {
      this.totals.failed += 1
      const message = (e as Error).message
      await this.state
        .failed({ accountId: this.options.accountId, extensionId }, message, this.options.now())
        .catch(() => undefined)
      this.options.report(`mirror: ${label} failed: ${message}`)
      return
    }
    this.totals.messages += result.messages
    this.totals.attachments += result.attachments
    if (result.messages > 0 || result.attachments > 0 || result.syncType === 'FSync') {
      this.options.report(
        `mirror: ${label} ${result.syncType}: ${result.messages} messages, ${result.attachments} attachments (total ${this.totals.messages} messages)`,
      )
    }
  }
}

interface ExtensionPage {
  records?: { id: string | number; extensionNumber?: string; name?: string; type?: string; status?: string }[]
  paging?: { totalPages?: number }
  navigation?: { nextPage?: unknown }
}
