import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
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
