/**
 * Notifications, each figure beside a baseline measured in the same run:
 *
 * 1. Latency from an admin inbound call's answer to the notification arriving on a
 *    WebSocket, p50/p99, with BENCH_NOTIFY_SOCKETS (1,000) sockets subscribed (25 per
 *    user) and inbound messages at BENCH_NOTIFY_RATE (100) per second; a frame that comes
 *    before the answer counts 0. The same from the call's start (request sent). Baseline: a bare
 *    `ws` server (the same library) in a process of its own that answers an HTTP POST and
 *    then sends a frame to the same number of sockets (no store, no subscription).
 * 2. Memory per idle socket: the server's RSS before and after BENCH_NOTIFY_IDLE (10,000)
 *    idle gateway sockets. Baseline: the bare `ws` server's RSS with as many sockets.
 * 3. Webhook deliveries per second to a local receiver (30 subscriptions, each change
 *    delivered to all): while the changes are made, and alone, draining queues already
 *    filled (the receiver holds each subscription's first delivery meanwhile); baseline: a
 *    bare POST loop to the same receiver, as many POSTs as deliveries, 32 at a time (the
 *    delivery worker's concurrency), keep-alive.
 *
 *   npm run bench:notifications     (BENCH_NOTIFY_SOCKETS, BENCH_NOTIFY_RATE, BENCH_NOTIFY_SECONDS,
 *                                    BENCH_NOTIFY_IDLE, BENCH_NOTIFY_WEBHOOK_MESSAGES;
 *                                    BENCH_NOTIFY_NODE_ARGS: node options for the server,
 *                                    e.g. "--cpu-prof --cpu-prof-dir=DIR")
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { WebSocket } from 'ws'
import { passwordLogin } from './lib/http.js'
import { ADMIN_TOKEN, removeDir, startServer } from './lib/processes.js'

const SOCKETS = Number(process.env.BENCH_NOTIFY_SOCKETS ?? 1000)
const RATE = Number(process.env.BENCH_NOTIFY_RATE ?? 100)
const SECONDS = Number(process.env.BENCH_NOTIFY_SECONDS ?? 10)
const IDLE = Number(process.env.BENCH_NOTIFY_IDLE ?? 10_000)
const WEBHOOK_MESSAGES = Number(process.env.BENCH_NOTIFY_WEBHOOK_MESSAGES ?? 200)
/** Sockets per user: a user may hold 30 subscriptions per app. */
const PER_USER = 25
const USERS = Math.ceil(SOCKETS / PER_USER)
const WEBHOOKS = 30
const APP = { clientId: 'bench-notify', clientSecret: 'bench-notify-secret' }
const PASSWORD = 'bench-secret'
const INSTANT = '/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS'

const phone = (i: number) => `+1312556${String(1000 + i).padStart(4, '0')}`

const PROVISIONING = {
  accounts: [
    {
      id: '5001',
      name: 'Bench notifications',
      mainNumber: '+13125560999',
      // One more user than the sockets need: the webhook step's, whose subscriptions stand alone.
      extensions: Array.from({ length: USERS + 1 }, (_, i) => ({
        id: String(85_001 + i),
        extensionNumber: String(101 + i),
        name: `User ${i}`,
        password: PASSWORD,
        phoneNumbers: [phone(i)],
      })),
    },
  ],
  apps: [
    {
      ...APP,
      name: 'Bench notifications',
      grantTypes: ['password'],
      permissions: ['ReadMessages', 'SubscriptionWebhook'],
    },
  ],
}

async function admin(baseUrl: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : undefined
}

async function wsToken(baseUrl: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}/restapi/oauth/wstoken`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  })
  const body = (await res.json()) as { uri: string; ws_access_token: string }
  return `${body.uri}?access_token=${encodeURIComponent(body.ws_access_token)}`
}

/** Opens a socket and resolves once its first frame (ConnectionDetails) arrived. */
function open(url: string, onFrame?: (text: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('message', () => {
      if (onFrame) ws.on('message', (d) => onFrame(d.toString()))
      resolve(ws)
    })
    ws.once('error', reject)
  })
}

/** Opens `count` sockets, `parallel` at a time. */
async function openMany(count: number, parallel: number, make: (i: number) => Promise<WebSocket>) {
  const sockets: WebSocket[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++
        sockets[i] = await make(i)
      }
    }),
  )
  return sockets
}

function closeAll(sockets: WebSocket[]) {
  for (const ws of sockets) ws?.terminate()
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Fires `RATE` events a second for SECONDS at `fire(i)`, which answers when the event's
 * call was answered; `arrivals` maps an event to the times its frames arrived.
 */
async function paced(fire: (i: number) => Promise<void>): Promise<void> {
  const total = RATE * SECONDS
  const started = performance.now()
  const pending: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    pending.push(fire(i))
  }
  await Promise.all(pending)
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b)
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (${sorted.length} frames)`
}

/** The baseline server: `ws` and an HTTP route that answers, then sends a frame to the sockets of a group. */
const BARE_WS_SERVER = `
const http = require('node:http')
const { WebSocketServer } = require('ws')
const groups = new Map()
const server = http.createServer((req, res) => {
  if (req.url === '/rss') return res.end(String(process.memoryUsage().rss))
  let body = ''
  req.on('data', (d) => { body += d })
  req.on('end', () => {
    const { group, seq } = JSON.parse(body)
    res.end('{}')
    const frame = JSON.stringify([{ type: 'ServerNotification', status: 200 }, { seq, body: 'x'.repeat(900) }])
    for (const ws of groups.get(group) ?? []) ws.send(frame)
  })
})
const wss = new WebSocketServer({ server })
wss.on('connection', (ws, req) => {
  const group = new URL(req.url, 'http://x').searchParams.get('group')
  if (!groups.has(group)) groups.set(group, new Set())
  groups.get(group).add(ws)
  ws.send('[{"type":"ConnectionDetails"}]')
  ws.on('close', () => groups.get(group).delete(ws))
})
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port))
`

async function startBare(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', BARE_WS_SERVER], {
    env: { ...process.env, NODE_PATH: path.resolve('node_modules') },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      const m = /listening (\d+)/.exec(String(d))
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`bare server exited ${code}`)))
  })
  return { port, child }
}

async function latency(baseUrl: string, tokens: string[]): Promise<string[]> {
  const lines: string[] = []
  // msgstore: PER_USER sockets per user, each subscribed to the user's instant SMS.
  const arrivals = new Map<number, number[]>()
  const answeredAt = new Map<number, number>()
  const sentAt = new Map<number, number>()
  const urls = await Promise.all(tokens.map((t) => wsToken(baseUrl, t)))
  const onFrame = (text: string) => {
    const at = performance.now()
    const [meta, body] = JSON.parse(text)
    if (meta.type !== 'ServerNotification') return
    const seq = Number(body.body.subject)
    push(arrivals, seq, at)
  }
  const sockets = await openMany(SOCKETS, 50, async (i) => {
    const ws = await open(urls[Math.floor(i / PER_USER)]!, onFrame)
    const answered = new Promise<void>((resolve, reject) => {
      const listener = (d: Buffer) => {
        const [meta] = JSON.parse(d.toString())
        if (meta.type !== 'ClientRequest') return
        ws.off('message', listener)
        if (meta.status === 200) resolve()
        else reject(new Error(`subscription refused: ${d}`))
      }
      ws.on('message', listener)
    })
    ws.send(
      JSON.stringify([
        { type: 'ClientRequest', messageId: `s${i}`, method: 'POST', path: '/restapi/v1.0/subscription' },
        { eventFilters: [INSTANT], deliveryMode: { transportType: 'WebSocket' } },
      ]),
    )
    await answered
    return ws
  })
  await sleep(1000)
  const inboundRoute = '/admin/v1/accounts/5001/inbound'
  await paced(async (i) => {
    const user = i % USERS
    sentAt.set(i, performance.now())
    await admin(baseUrl, 'POST', inboundRoute, {
      type: 'SMS',
      from: '+14155550123',
      to: [phone(user)],
      text: String(i),
    })
    answeredAt.set(i, performance.now())
  })
  await sleep(2000)
  const store: number[] = []
  const storeFromCall: number[] = []
  let missing = 0
  let early = 0
  for (const [seq, at] of answeredAt) {
    const got = arrivals.get(seq) ?? []
    const expected = Math.min(PER_USER, SOCKETS - (seq % USERS) * PER_USER)
    missing += Math.max(0, expected - got.length)
    for (const t of got) {
      // A frame may arrive before the call's answer (it is pushed once the change is on disk): 0.
      if (t < at) early++
      store.push(Math.max(0, t - at))
      storeFromCall.push(t - sentAt.get(seq)!)
    }
  }
  closeAll(sockets)
  lines.push(
    `notification latency, inbound answer → WebSocket frame, ${SOCKETS} sockets, ${RATE}/s for ${SECONDS} s: ${summary(store)}${early ? `, ${early} frames before the answer` : ''}${missing ? `, ${missing} frames still on their way 2 s after the last call` : ''} (target p99 ≤ 20 ms)`,
    `  the same from the inbound call's start (request sent → frame): ${summary(storeFromCall)}`,
  )

  // Baseline: the same fan-out by a bare ws server.
  const bare = await startBare()
  try {
    const bareArrivals = new Map<number, number[]>()
    const bareAnswered = new Map<number, number>()
    const bareSent = new Map<number, number>()
    const bareSockets = await openMany(SOCKETS, 50, (i) =>
      open(`ws://127.0.0.1:${bare.port}/?group=${Math.floor(i / PER_USER)}`, (text) => {
        const at = performance.now()
        const [, body] = JSON.parse(text)
        push(bareArrivals, body.seq, at)
      }),
    )
    const agent = new http.Agent({ keepAlive: true })
    await paced(async (i) => {
      bareSent.set(i, performance.now())
      await new Promise<void>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: bare.port, method: 'POST', path: '/fire', agent },
          (res) => {
            res.resume()
            res.on('end', () => {
              bareAnswered.set(i, performance.now())
              resolve()
            })
          },
        )
        req.on('error', reject)
        req.end(JSON.stringify({ group: String(i % USERS), seq: i }))
      })
    })
    await sleep(1000)
    const base: number[] = []
    const baseFromCall: number[] = []
    for (const [seq, at] of bareAnswered)
      for (const t of bareArrivals.get(seq) ?? []) {
        base.push(Math.max(0, t - at))
        baseFromCall.push(t - bareSent.get(seq)!)
      }
    closeAll(bareSockets)
    agent.destroy()
    lines.push(
      `  baseline, a bare \`ws\` server answering a POST then sending to as many sockets: ${summary(base)}; from the request sent: ${summary(baseFromCall)}`,
    )
  } finally {
    bare.child.kill()
  }
  return lines
}

async function idleMemory(baseUrl: string, pid: number, token: string): Promise<string[]> {
  const url = await wsToken(baseUrl, token)
  await sleep(1000)
  const before = rssMb(pid)
  const sockets = await openMany(IDLE, 100, () => open(url))
  await sleep(2000)
  const after = rssMb(pid)
  closeAll(sockets)
  const lines = [
    `idle sockets: RSS ${before.toFixed(0)} MB → ${after.toFixed(0)} MB with ${IDLE} idle sockets: ` +
      `${(((after - before) * 1024) / IDLE).toFixed(1)} KB per socket (target: under 300 MB in all)`,
  ]
  const bare = await startBare()
  try {
    await sleep(500)
    const bareBefore = rssMb(bare.child.pid!)
    const bareSockets = await openMany(IDLE, 100, (i) =>
      open(`ws://127.0.0.1:${bare.port}/?group=idle${i % 10}`),
    )
    await sleep(2000)
    const bareAfter = rssMb(bare.child.pid!)
    closeAll(bareSockets)
    lines.push(
      `  baseline, a bare \`ws\` server: ${bareBefore.toFixed(0)} MB → ${bareAfter.toFixed(0)} MB: ` +
        `${(((bareAfter - bareBefore) * 1024) / IDLE).toFixed(1)} KB per socket`,
    )
  } finally {
    bare.child.kill()
  }
  return lines
}

async function webhooks(baseUrl: string, token: string): Promise<string[]> {
  let received = 0
  let firstAt = 0
  let lastAt = 0
  /** While set, deliveries are held unanswered (each subscription's sender waits on its first). */
  let held: http.ServerResponse[] | undefined
  const receiver = http.createServer((req, res) => {
    const validation = req.headers['validation-token']
    req.resume()
    req.on('end', () => {
      if (validation) res.setHeader('Validation-Token', validation)
      else if (held) return held.push(res)
      else {
        received++
        lastAt = performance.now()
        if (!firstAt) firstAt = lastAt
      }
      res.end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  try {
    for (let i = 0; i < WEBHOOKS; i++) {
      const res = await fetch(`${baseUrl}/restapi/v1.0/subscription`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          eventFilters: ['/restapi/v1.0/account/~/extension/~/message-store'],
          deliveryMode: { transportType: 'WebHook', address },
        }),
      })
      if (!res.ok) throw new Error(`webhook subscription: ${res.status} ${await res.text()}`)
    }
    const expected = WEBHOOKS * WEBHOOK_MESSAGES
    const inbound = async () => {
      for (let i = 0; i < WEBHOOK_MESSAGES; i += 10) {
        await Promise.all(
          Array.from({ length: Math.min(10, WEBHOOK_MESSAGES - i) }, (_, j) =>
            admin(baseUrl, 'POST', '/admin/v1/accounts/5001/inbound', {
              type: 'SMS',
              from: '+14155550123',
              to: [phone(USERS)],
              text: `w${i + j}`,
            }),
          ),
        )
      }
    }
    const allReceived = async () => {
      const deadline = performance.now() + 300_000
      while (received < expected && performance.now() < deadline) await sleep(20)
    }
    // 1. Deliveries while the changes are made: the inbound calls and the deliveries share the server.
    const started = performance.now()
    await inbound()
    const inboundSeconds = (performance.now() - started) / 1000
    await allReceived()
    const seconds = (lastAt - firstAt) / 1000
    const lines = [
      `webhook deliveries: ${received} of ${expected} (${WEBHOOKS} subscriptions × ${WEBHOOK_MESSAGES} changes) ` +
        `at ${Math.round(received / seconds)}/s while the changes are made (first to last delivery; ${((lastAt - started) / 1000).toFixed(1)} s from the first inbound call; the ${WEBHOOK_MESSAGES} inbound calls took ${inboundSeconds.toFixed(1)} s) (target ≥ 2,000/s)`,
    ]
    // 2. Deliveries alone: the receiver holds every subscription's first delivery while the
    // changes are made, so that each queue is full; then answers, and the queues drain.
    // (The server runs with --webhook-timeout PT60S, so a held delivery does not time out.)
    received = 0
    firstAt = 0
    held = []
    await inbound()
    while (held.length < WEBHOOKS) await sleep(20)
    const release = held
    held = undefined
    const released = performance.now()
    for (const res of release) {
      received++
      res.end()
    }
    await allReceived()
    lines.push(
      `  the same deliveries alone, from queues already filled: ${received} of ${expected} at ${Math.round(received / ((lastAt - released) / 1000))}/s (from the answer to the held first deliveries to the last)`,
    )
    // Baseline: the same number of POSTs of a like body to the same receiver, 32 at a time.
    received = 0
    firstAt = 0
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })
    const body = JSON.stringify({ uuid: 'x', event: 'x', body: { changes: [] }, pad: 'x'.repeat(300) })
    let next = 0
    const bareStarted = performance.now()
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < expected) {
          next++
          await new Promise<void>((resolve, reject) => {
            const req = http.request(
              {
                host: '127.0.0.1',
                port: (receiver.address() as AddressInfo).port,
                method: 'POST',
                path: '/hook',
                agent,
                headers: { 'content-type': 'application/json' },
              },
              (res) => {
                res.resume()
                res.on('end', resolve)
              },
            )
            req.on('error', reject)
            req.end(body)
          })
        }
      }),
    )
    const bareSeconds = (performance.now() - bareStarted) / 1000
    agent.destroy()
    lines.push(
      `  baseline, a bare POST loop to the same receiver (32 at a time): ${Math.round(expected / bareSeconds)}/s`,
    )
    return lines
  } finally {
    receiver.closeAllConnections()
    receiver.close()
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-bench-notify-'))
try {
  const server = await startServer(
    dir,
    process.env.BENCH_NOTIFY_NODE_ARGS ? process.env.BENCH_NOTIFY_NODE_ARGS.split(' ') : [],
    undefined,
    // The webhook step holds deliveries while it fills the queues (see webhooks()).
    ['--webhook-timeout', 'PT60S'],
  )
  try {
    await admin(server.baseUrl, 'POST', '/admin/v1/provision', PROVISIONING)
    const tokens: string[] = []
    for (let i = 0; i <= USERS; i++) tokens.push(await passwordLogin(server.baseUrl, APP, phone(i), PASSWORD))
    const lines = [
      ...(await latency(server.baseUrl, tokens)),
      ...(await idleMemory(server.baseUrl, server.pid, tokens[0]!)),
      ...(await webhooks(server.baseUrl, tokens[USERS]!)),
    ]
    console.log(`\nnotifications (${os.cpus().length} cores, node ${process.version}):`)
    for (const line of lines) console.log(line)
  } finally {
    await server.stop()
  }
} finally {
  removeDir(dir)
}
