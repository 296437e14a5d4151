import { filtersFromStored } from './filters.js'
import type { WsSession } from './ws-session.js'

/**
 * The WebSocket sessions that hold a subscription, by the mailboxes its filters name: where
 * the dispatcher looks for whom an event goes to (gateway.ts `sessionsFor`).
 */
export class WsSubscribers {
  private readonly byMailbox = new Map<string, Set<WsSession>>()

  /** Sessions whose subscription names the mailbox. */
  sessionsFor(accountId: string, extensionId: string): Iterable<WsSession> {
    return this.byMailbox.get(`${accountId}/${extensionId}`) ?? []
  }

  get empty(): boolean {
    return this.byMailbox.size === 0
  }

  /** Gives the session its subscription (as the API answers it), or takes it away with `undefined`. */
  set(session: WsSession, info: Record<string, unknown> | undefined): void {
    this.remove(session)
    session.subscription = info
      ? {
          id: String(info.id),
          filters: filtersFromStored(info.eventFilters as string[]),
          info,
          expiresAt: Date.parse(String(info.expirationTime)),
        }
      : undefined
    if (!session.subscription) return
    for (const f of session.subscription.filters) {
      if (f.kind === 'reminder') continue
      const key = `${f.accountId}/${f.extensionId}`
      let set = this.byMailbox.get(key)
      if (!set) {
        set = new Set()
        this.byMailbox.set(key, set)
      }
      set.add(session)
    }
  }

  /** The session no longer receives events (its subscription is kept on the session). */
  remove(session: WsSession): void {
    for (const [key, set] of this.byMailbox) {
      if (set.delete(session) && set.size === 0) this.byMailbox.delete(key)
    }
  }
}
