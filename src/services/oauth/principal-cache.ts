import type { Principal } from '../../domain/principal.js'

/** How long a node trusts what it read of a token without reading it again. */
export const PRINCIPAL_CACHE_MS = 1000
const MAX_ENTRIES = 10_000

interface Entry {
  principal: Principal
  /** The token's own expiry, on the store's clock (checked on every use). */
  expiresAt: number
  /** When it was read, on a monotonic clock. */
  readAt: number
}

/**
 * The callers of recent requests, by access token, for at most a second.
 *
 * Why: every REST request authenticates, and reading the token from the database is
 * a statement per request (a client polling message sync spends a fifth of its time
 * there). Within the server's process the cache is never stale: it forgets a
 * session's tokens when it revokes or rotates them and forgets every token when it
 * provisions (which can change a role or disable an extension). Only a single-node
 * store uses it (SQLite): nodes sharing a PostgreSQL database read every token, so a
 * logout on one is refused by all at once. What the CLI changes in the file of a
 * running server reaches the server within PRINCIPAL_CACHE_MS.
 *
 * Keyed by the token itself rather than its hash: the token is in memory for the
 * whole request anyway, and hashing it is part of what a hit saves.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>()
  /** Raised by every forgetting: a read begun before one must not be kept after it. */
  private forgettings = 0

  /** Pass to `set` what this answered before reading the token. */
  get epoch(): number {
    return this.forgettings
  }

  /** The cached caller of `token`, if read less than PRINCIPAL_CACHE_MS ago. */
  get(token: string): Entry | undefined {
    const entry = this.entries.get(token)
    if (!entry) return undefined
    if (performance.now() - entry.readAt >= PRINCIPAL_CACHE_MS) {
      this.entries.delete(token)
      return undefined
    }
    return entry
  }

  /** Keeps what was read, unless something was forgotten since the read began (at `epoch`). */
  set(token: string, principal: Principal, expiresAt: number, epoch: number): void {
    if (epoch !== this.forgettings) return
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(token, { principal, expiresAt, readAt: performance.now() })
  }

  /** Every token of the session, after its tokens were revoked or rotated. */
  forgetSession(sessionId: string): void {
    this.forgettings++
    for (const [token, entry] of this.entries) {
      if (entry.principal.sessionId === sessionId) this.entries.delete(token)
    }
  }

  /** Everything, after a change that may touch any session (provisioning). */
  clear(): void {
    this.forgettings++
    this.entries.clear()
  }
}
