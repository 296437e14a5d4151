import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { type WebSocket, WebSocketServer } from 'ws'
import { open } from '../lib/sealed.js'
import type { OAuthService } from '../services/oauth/oauth.js'
import type { FaultAction } from '../test-controls/faults/rules.js'
import { envelope } from './events.js'
import { notificationCounters } from './metrics.js'
import { reminderDue, reminderEvent, reminderOf } from './reminders.js'
import type { NotificationSettings } from './settings.js'
import type { SubscriptionService } from './subscriptions.js'
import { ClientRequests } from './ws-client-requests.js'
import { GATEWAY_LIMITS, WsSession } from './ws-session.js'
import { WsSubscribers } from './ws-subscribers.js'

/** Where the gateway listens, on the REST API's own port. */
export const GATEWAY_PATH = '/ws'
const PING_INTERVAL_MS = 30_000
const PONG_TIMEOUT_MS = 10_000
const REPLAY_DELAY_MS = 100

type Frame = [Record<string, unknown>, unknown?]

/** The fault rules' check (docs/test-controls.md), applied to ClientRequest frames as to HTTP requests. */
export interface FaultCheck {
  readonly empty: boolean
  check(method: string, path: string): Promise<FaultAction | undefined>
}

/**
 * The WebSocket gateway as RingCentral's clients speak it (reference/notes.md): the server
 * says ConnectionDetails first; ClientRequest frames create, refresh and delete the
 * session's subscription or make any other REST call, answered as the HTTP route would
 * answer it (ws-client-requests.ts); notifications go out as ServerNotification with the
 * `wsc` sequence to the sessions whose subscription names the mailbox (ws-subscribers.ts).
 */
export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  /** Sessions by wsc token (recovery) ... */
  private readonly sessions = new Map<string, WsSession>()
  /** ... and those with a subscription, by the mailboxes their filters name. */
  private readonly subscribers = new WsSubscribers()
  /** What answers ClientRequest frames. */
  private readonly requests: ClientRequests
  private sweeper?: NodeJS.Timeout

  constructor(
    private readonly app: FastifyInstance,
    private readonly oauth: OAuthService,
    subscriptions: SubscriptionService,
    private readonly wsKey: Uint8Array,
    private readonly forget: (subscriptionId: string) => Promise<void>,
    timeouts: NotificationSettings['gateway'],
    private readonly faults?: FaultCheck,
  ) {
    this.requests = new ClientRequests(app, oauth, subscriptions, this.subscribers)
    this.limits = { ...GATEWAY_LIMITS, ...timeouts }
    // Shortened timeouts are looked at often enough to be kept to within a quarter.
    this.checkMs = Math.max(
      100,
      Math.min(PING_INTERVAL_MS, (timeouts.idleTimeout * 1000) / 4, (timeouts.absoluteTimeout * 1000) / 4),
    )
  }

  /** What ConnectionDetails promises, and what the gateway keeps to. */
  private readonly limits: typeof GATEWAY_LIMITS
  /** How often each socket is pinged and its timeouts checked. */
  private readonly checkMs: number

  attach(): void {
    this.app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (this.closed || (url.pathname !== GATEWAY_PATH && url.pathname !== `${GATEWAY_PATH}/`)) {
        socket.destroy()
        return
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.accept(ws, req, url).catch(() => ws.terminate())
      })
    })
    // Upgraded sockets hold the HTTP server open: close them before Fastify closes it, or
    // a shutdown waits for every client to leave.
    this.app.addHook('preClose', async () => this.close())
    this.sweeper = setInterval(() => this.sweep(), Math.min(5_000, this.limits.recoveryTimeout * 500))
    this.sweeper.unref()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.sweeper) clearInterval(this.sweeper)
    for (const ws of this.wss.clients) ws.terminate()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  private closed = false

  get connectionCount(): number {
    return this.wss.clients.size
  }

  /** Sessions whose subscription names the mailbox. */
  sessionsFor(accountId: string, extensionId: string): Iterable<WsSession> {
    return this.subscribers.sessionsFor(accountId, extensionId)
  }

  hasSubscribers(): boolean {
    return !this.subscribers.empty
  }

  private async accept(ws: WebSocket, req: IncomingMessage, url: URL): Promise<void> {
    const header = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const token = url.searchParams.get('access_token') ?? header
    if (!token) {
      ws.close(4400, 'access_token is required')
      return
    }
    const sealed = open(this.wsKey, 'ws-token', token) as { t: string; e: number } | undefined
    const principal =
      sealed && sealed.e > Date.now()
        ? await this.oauth.principal(sealed.t).catch(() => undefined)
        : undefined
    if (!sealed || !principal) {
      this.send(ws, [
        { type: 'Error', messageId: randomUUID(), status: 401, headers: {} },
        { errorCode: 'WSG-401', message: 'Invalid or expired access token' },
      ])
      ws.close(4401, 'invalid access token')
      return
    }
    const wsc = url.searchParams.get('wsc')
    let session = wsc ? this.sessions.get(wsc) : undefined
    let recoveryState: string | undefined
    if (wsc) {
      const recoverable =
        session !== undefined &&
        !session.ended &&
        session.principal.extensionId === principal.extensionId &&
        (session.socket === undefined || session.socket.readyState !== session.socket.OPEN) &&
        Date.now() - (session.disconnectedAt ?? 0) <= this.limits.recoveryTimeout * 1000
      recoveryState = recoverable ? 'Successful' : 'Failed'
      if (!recoverable) session = undefined
    }
    if (!session) {
      session = new WsSession(principal, sealed.t)
      this.sessions.set(session.wscToken, session)
    }
    session.principal = principal
    session.accessToken = sealed.t
    session.disconnectedAt = undefined
    notificationCounters.webSocketConnections = this.wss.clients.size
    const details: Record<string, unknown> = {
      creationTime: new Date(session.createdAt).toISOString(),
      ...this.limits,
    }
    if (recoveryState) details.recoveryState = recoveryState
    const messageId = randomUUID()
    this.send(ws, [
      {
        type: 'ConnectionDetails',
        messageId,
        status: 200,
        wsc: { token: session.wscToken, sequence: session.sequence },
        headers: { RCRequestId: messageId },
      },
      details,
    ])
    this.watch(ws, session)
    // What the session missed while it had no socket, oldest first. Clients attach their
    // notification listener only once they have read ConnectionDetails, so the replay
    // (and anything new meanwhile, kept in the same buffer) follows a moment later.
    const replay = () => {
      if (ws.readyState !== ws.OPEN) return
      for (const frame of session.missed.splice(0)) ws.send(frame)
      session.socket = ws
    }
    if (session.missed.length > 0) setTimeout(replay, REPLAY_DELAY_MS)
    else replay()
  }

  private watch(ws: WebSocket, session: WsSession): void {
    let alive = true
    let lastActivity = Date.now()
    const ping = setInterval(() => {
      if (!alive) {
        ws.terminate()
        return
      }
      alive = false
      ws.ping()
      setTimeout(
        () => {
          if (!alive) ws.terminate()
        },
        Math.min(PONG_TIMEOUT_MS, this.checkMs),
      ).unref()
      if (Date.now() - lastActivity > this.limits.idleTimeout * 1000)
        this.expire(ws, 'WSG-902', 'Idle timeout')
      else if (Date.now() - session.createdAt > this.limits.absoluteTimeout * 1000) {
        // The session is over, not just its socket: no recovery; the client starts anew.
        session.ended = true
        this.expire(ws, 'WSG-903', 'Absolute timeout')
      }
    }, this.checkMs)
    ping.unref()
    ws.on('pong', () => {
      alive = true
    })
    ws.on('message', (data, isBinary) => {
      lastActivity = Date.now()
      alive = true
      if (isBinary) return
      this.onFrame(ws, session, data.toString()).catch(() => {})
    })
    ws.on('close', () => {
      clearInterval(ping)
      notificationCounters.webSocketConnections = this.wss.clients.size
      if (session.socket === ws || session.socket === undefined) {
        session.socket = undefined
        session.disconnectedAt = Date.now()
      }
    })
    ws.on('error', () => ws.terminate())
  }

  private expire(ws: WebSocket, errorCode: string, message: string): void {
    this.send(ws, [
      { type: 'Error', messageId: randomUUID(), status: 400, headers: {} },
      { errorCode, message },
    ])
    ws.close()
  }

  private async onFrame(ws: WebSocket, session: WsSession, text: string): Promise<void> {
    let frame: Frame
    try {
      frame = JSON.parse(text)
      if (!Array.isArray(frame) || typeof frame[0] !== 'object' || frame[0] === null) throw new Error()
    } catch {
      this.send(ws, [
        { type: 'Error', messageId: randomUUID(), status: 400, headers: {} },
        { errorCode: 'WSG-400', message: 'Each frame is a JSON array [meta, body?]' },
      ])
      return
    }
    const [meta, body] = frame
    if (meta.type === 'Heartbeat') {
      this.send(ws, [{ type: 'Heartbeat', messageId: meta.messageId, status: 200 }])
      return
    }
    if (meta.type !== 'ClientRequest') return
    const fault = await this.fault(meta)
    if (fault?.drop) {
      // As an HTTP request's connection closes unanswered: the client sees the socket close.
      ws.terminate()
      return
    }
    const { status, headers, answer } = fault?.error
      ? {
          status: fault.error.status,
          headers: { 'Content-Type': 'application/json', ...fault.error.headers },
          answer: fault.error.body(),
        }
      : await this.requests.answer(session, meta, body ?? undefined)
    this.send(ws, [{ type: 'ClientRequest', messageId: meta.messageId, status, headers }, answer ?? null])
  }

  /** The fault rules' action for a ClientRequest, after its delay. */
  private async fault(meta: Record<string, unknown>): Promise<FaultAction | undefined> {
    if (!this.faults || this.faults.empty) return undefined
    const method = String(meta.method ?? 'GET').toUpperCase()
    const action = await this.faults.check(method, String(meta.path ?? ''))
    if (action && action.delayMs > 0) await new Promise((r) => setTimeout(r, action.delayMs))
    return action
  }

  /** Sends the renewal reminders due to this node's sessions (`now`: the store's clock). */
  remindSessions(now: number): void {
    for (const session of this.sessions.values()) {
      const sub = session.subscription
      const filter = sub && reminderOf(sub.filters)
      if (!sub || !filter || !reminderDue(filter, sub.expiresAt, sub.remindedAt, now)) continue
      sub.remindedAt = now
      const info = { ...sub.info, expiresIn: Math.max(0, Math.round((sub.expiresAt - now) / 1000)) }
      session.notify(envelope(reminderEvent(filter, info, now), sub.id, session.principal.extensionId))
      notificationCounters.webSocketNotifications++
    }
  }

  /** Ends sessions whose socket has been gone longer than the recovery timeout, with their subscription. */
  private sweep(): void {
    const limit = Date.now() - this.limits.recoveryTimeout * 1000
    for (const [token, session] of this.sessions) {
      const gone = session.disconnectedAt !== undefined && (session.ended || session.disconnectedAt <= limit)
      if (session.socket || !gone) continue
      this.sessions.delete(token)
      this.subscribers.remove(session)
      if (session.subscription) this.forget(session.subscription.id).catch(() => {})
    }
  }

  private send(ws: WebSocket, frame: Frame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }
}
