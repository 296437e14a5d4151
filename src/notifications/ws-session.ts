import { randomBytes, randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import type { Principal } from '../domain/principal.js'
import type { EventFilter } from './filters.js'

/** What ConnectionDetails promises (reference/notes.md); the gateway keeps these promises. */
export const GATEWAY_LIMITS = {
  maxConnectionsPerSession: 50,
  recoveryBufferSize: 100,
  recoveryTimeout: 180,
  idleTimeout: 1800,
  absoluteTimeout: 86400,
  maxActiveRequests: 10,
}

export interface SessionSubscription {
  id: string
  filters: EventFilter[]
  /** Its SubscriptionInfo when last created or renewed (a renewal reminder carries it). */
  info: Record<string, unknown>
  /** Store-clock expiry. */
  expiresAt: number
  /** Store-clock time of the last renewal reminder since then. */
  remindedAt?: number
}

/**
 * One WebSocket gateway session: it outlives its socket by the recovery timeout, so a
 * client that reconnects with `wsc` gets the notifications it missed meanwhile (the
 * newest 100). Notifications are numbered by the session's `wsc` sequence.
 */
export class WsSession {
  readonly id = randomUUID()
  /** The recovery token clients send back as `wsc`. */
  readonly wscToken = randomBytes(24).toString('base64url')
  readonly createdAt = Date.now()
  sequence = 1
  socket?: WebSocket
  disconnectedAt?: number
  /** Past its absolute timeout: it cannot be recovered. */
  ended = false
  subscription?: SessionSubscription
  /** Notifications produced while no socket was attached, oldest first, at most recoveryBufferSize. */
  readonly missed: string[] = []

  constructor(
    public principal: Principal,
    /** The OAuth access token the session acts with (REST over WebSocket). */
    public accessToken: string,
  ) {}

  nextWsc(): { token: string; sequence: number } {
    this.sequence += 1
    return { token: this.wscToken, sequence: this.sequence }
  }

  /** Sends a notification frame, or keeps it for a recovery when the socket is gone. */
  notify(envelope: unknown): void {
    const frame = JSON.stringify([
      { type: 'ServerNotification', messageId: randomUUID(), status: 200, headers: {}, wsc: this.nextWsc() },
      envelope,
    ])
    if (this.socket && this.socket.readyState === this.socket.OPEN) {
      this.socket.send(frame)
      return
    }
    this.missed.push(frame)
    if (this.missed.length > GATEWAY_LIMITS.recoveryBufferSize) this.missed.shift()
  }
}
