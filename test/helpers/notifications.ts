import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocket } from 'ws'
import { startProvisioned } from './sdk.js'
import type { RunningServer, StartOptions } from './server.js'

/** A provisioned server (STANDARD_FILE's test app holds SubscriptionWebhook, which subscriptions need). */
export async function startNotifying(opts: StartOptions = {}): Promise<RunningServer> {
  return startProvisioned(opts)
}

/** Polls `condition` until it holds (generous: the machine may be loaded). */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await condition()
    if (value) return value
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders
  body: string
  json?: any
}

/**
 * A webhook receiver written the way RingCentral's guides write one: it echoes a
 * Validation-Token header with 200, and otherwise reads the JSON event. `answer` decides
 * the status of deliveries (200 by default); `hang` makes it never answer.
 */
export class Receiver {
  readonly handshakes: ReceivedRequest[] = []
  readonly deliveries: ReceivedRequest[] = []
  /** Every delivery attempt, answered or not. */
  readonly attempts: ReceivedRequest[] = []
  answer = 200
  hang = false
  echoToken = true
  private readonly server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d) => {
      body += d
    })
    req.on('end', () => {
      const token = req.headers['validation-token']
      const got: ReceivedRequest = { headers: req.headers, body }
      if (token !== undefined) {
        this.handshakes.push(got)
        if (this.echoToken) res.setHeader('Validation-Token', token)
        res.statusCode = 200
        res.end()
        return
      }
      got.json = body ? JSON.parse(body) : undefined
      this.attempts.push(got)
      if (this.hang) return
      if (this.answer >= 200 && this.answer < 300) this.deliveries.push(got)
      res.statusCode = this.answer
      res.end()
    })
  })

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** A frame of the WebSocket gateway: `[meta, body?]`. */
export type GatewayFrame = [Record<string, any>, any?]

/**
 * A bare WebSocket gateway client (the `ws` library, as the SDKs use it): it keeps every
 * frame it receives and how the socket closed, so a test sees exactly what the server said.
 */
export class GatewayClient {
  readonly frames: GatewayFrame[] = []
  closed?: { code: number; reason: string }
  pings = 0

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString())))
    socket.on('ping', () => {
      this.pings++
    })
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
    })
  }

  /**
   * Connects as the user of `accessToken` (recovering the session `wsc`, if given);
   * `autoPong: false` makes a client that never answers the server's pings.
   */
  static async connect(
    baseUrl: string,
    accessToken: string,
    options: { wsc?: string; autoPong?: boolean } = {},
  ): Promise<GatewayClient> {
    const res = await fetch(`${baseUrl}/restapi/oauth/wstoken`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
    })
    assert.equal(res.status, 200)
    const { uri, ws_access_token } = (await res.json()) as { uri: string; ws_access_token: string }
    const url = new URL(uri)
    url.searchParams.set('access_token', ws_access_token)
    if (options.wsc) url.searchParams.set('wsc', options.wsc)
    const socket = new WebSocket(url, { autoPong: options.autoPong ?? true })
    const client = new GatewayClient(socket)
    await client.next('ConnectionDetails')
    return client
  }

  /** The first frame of `type` after the `after` first frames. */
  next(type: string, after = 0): Promise<GatewayFrame> {
    return waitFor(`a ${type} frame`, () => this.frames.slice(after).find(([meta]) => meta.type === type))
  }

  of(type: string): GatewayFrame[] {
    return this.frames.filter(([meta]) => meta.type === type)
  }

  send(frame: GatewayFrame): void {
    this.socket.send(JSON.stringify(frame))
  }

  /** A ClientRequest and its answer. */
  async request(method: string, path: string, body?: unknown): Promise<GatewayFrame> {
    const messageId = randomUUID()
    this.send(
      body === undefined
        ? [{ type: 'ClientRequest', messageId, method, path }]
        : [{ type: 'ClientRequest', messageId, method, path }, body],
    )
    return waitFor(`the answer to ${method} ${path}`, () =>
      this.frames.find(([meta]) => meta.type === 'ClientRequest' && meta.messageId === messageId),
    )
  }

  async whenClosed(): Promise<{ code: number; reason: string }> {
    return waitFor('the socket to close', () => this.closed)
  }

  close(): void {
    this.socket.terminate()
  }
}

/**
 * Closes the WebSockets a `Subscriptions` of `@ringcentral/subscriptions` opened, with their
 * reconnect timers (which keep a process alive). The extension's own `revoke` stops at its
 * first failed call (a subscription already gone, a token the store's clock expired), so
 * the subscription it would delete is left to the caller.
 */
export async function closeSubscriptions(subscriptions: { rc: { sdkExtensions: unknown[] } }): Promise<void> {
  for (const extension of subscriptions.rc.sdkExtensions as {
    subscription?: unknown
    revoke(): Promise<void>
  }[]) {
    if (!('ws' in extension) && !('subscription' in extension)) continue
    extension.subscription = undefined
    await extension.revoke().catch(() => {})
  }
}
