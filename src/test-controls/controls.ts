import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import type { DB } from '../storage/schema.js'
import { type ExtensionRef, expireSyncTokens, expireTokens } from './expiry.js'
import { FaultRules } from './faults/rules.js'
import { RequestJournal } from './journal.js'
import { type MessageSearch, searchMessages } from './messages.js'
import { RateLimiter } from './rate-limits/limiter.js'
import { type ResetDeps, type ResetScope, resetStore } from './reset.js'

export interface ControlSettings {
  /** Requests the journal keeps; 0 turns it off. */
  journalSize: number
  rateLimits: boolean
  rateLimitWindowSeconds: number
  rateLimitPenaltySeconds: number
}

export interface ControlDeps extends Omit<ResetDeps, 'forgetNodeState'> {
  clock: Clock
  /** Forgets the callers of tokens this node keeps (see services/oauth/principal-cache.ts). */
  forgetPrincipals(): void
}

/**
 * The test controls of the admin API: reset, the request journal, fault rules, token
 * and sync-token expiry, rate limits. The HTTP hooks that apply them are in
 * http/plugins/test-controls.ts.
 */
export class TestControls {
  readonly journal: RequestJournal | undefined
  readonly faults: FaultRules
  readonly rateLimits: RateLimiter
  private readonly db: Kysely<DB>

  constructor(
    settings: ControlSettings,
    private readonly deps: ControlDeps,
  ) {
    this.db = deps.db
    this.journal =
      settings.journalSize > 0 ? new RequestJournal(settings.journalSize, () => deps.clock.now()) : undefined
    this.faults = new FaultRules(deps.db, () => deps.clock.now(), deps.dialect.sharedByNodes)
    this.rateLimits = new RateLimiter(
      settings.rateLimits,
      settings.rateLimitWindowSeconds,
      settings.rateLimitPenaltySeconds,
    )
  }

  async start(): Promise<void> {
    await this.faults.load()
    this.faults.start()
  }

  stop(): void {
    this.faults.stop()
  }

  /** Stored messages across mailboxes (`GET /admin/v1/messages`). */
  searchMessages(search: MessageSearch, baseUrl: string): Promise<{ records: Record<string, unknown>[] }> {
    return searchMessages(this.db, this.deps.dialect, search, baseUrl)
  }

  /** Whether an account exists, for the per-account reset's 404. */
  async hasAccount(accountId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', accountId)
      .executeTakeFirst()
    return row !== undefined
  }

  async reset(scope: ResetScope): Promise<void> {
    await resetStore(
      {
        ...this.deps,
        forgetNodeState: async (s) => {
          this.deps.forgetPrincipals()
          if ('accountId' in s) this.journal?.forgetAccount(s.accountId)
          else {
            this.journal?.clear()
            this.rateLimits.clear()
          }
          await this.faults.load()
        },
      },
      scope,
    )
  }

  async expireTokens(ext: ExtensionRef, refresh: boolean): Promise<number> {
    const count = await expireTokens(this.db, this.deps.clock, ext, refresh)
    this.deps.forgetPrincipals()
    return count
  }

  expireSyncTokens(ext: ExtensionRef): Promise<void> {
    return expireSyncTokens(this.db, ext)
  }
}
