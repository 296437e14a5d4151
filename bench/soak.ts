/**
 * Soak: a server on SQLite under a steady mixed load for a bounded time, its memory
 * sampled from /proc (Linux) every few seconds. Loopback only.
 *
 *   SOAK_MINUTES=30 npm run soak
 *
 * Settings (environment): SOAK_MINUTES (default 5), SOAK_CLIENTS (32), SOAK_MESSAGES
 * (20,000 seeded), SOAK_SAMPLE_SECONDS (10), SOAK_OUT (a JSON file for the samples),
 * SOAK_DATA (reuse or keep this data folder), BENCH_SERVER_NODE_ARGS (extra node flags
 * for the server, e.g. `--heapsnapshot-signal=SIGUSR2`).
 *
 * Each client loops over a mix a polling application makes: listings with filters that
 * vary (so the page cache fills up to its bound), single reads, ISync, read-status
 * changes, SMS between two extensions, and inbound messages through the admin API.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { passwordLogin } from './lib/http.js'
import { ADMIN_TOKEN, removeDir, runSeed, startServer } from './lib/processes.js'

function setting(name: string, fallback: number): number {
  const text = process.env[name]
  if (!text) return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: expected a positive number`)
  return value
}

const minutes = setting('SOAK_MINUTES', 5)
const clients = setting('SOAK_CLIENTS', 32)
const messages = setting('SOAK_MESSAGES', 20_000)
const sampleSeconds = setting('SOAK_SAMPLE_SECONDS', 10)

interface Sample {
  second: number
  rssMb: number
  anonymousMb: number
  /** From the server's process.memoryUsage(): V8's heap, and the bytes of Buffers (the list page cache among them). */
  heapUsedMb: number
  arrayBuffersMb: number
  requests: number
  failures: number
}

const MB = 1024 * 1024

async function serverMemory(base: string): Promise<{ heapUsedMb: number; arrayBuffersMb: number }> {
  const usage = (await (await fetch(`${base}/__bench/memory`)).json()) as {
    heapUsed: number
    arrayBuffers: number
  }
  return { heapUsedMb: usage.heapUsed / MB, arrayBuffersMb: usage.arrayBuffers / MB }
}

/** Resident and anonymous memory of a process, from /proc/PID/smaps_rollup. */
function memoryOf(pid: number): { rssMb: number; anonymousMb: number } {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0)
  return { rssMb: kb('Rss') / 1024, anonymousMb: kb('Anonymous') / 1024 }
}

async function main(): Promise<void> {
  const dataDir = process.env.SOAK_DATA ?? fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-soak-'))
  const fresh = !fs.existsSync(path.join(dataDir, 'msgstore.db'))
  const seedOptions = { accounts: 2, extensionsPerAccount: 20, messages }
  const { summary } = fresh
    ? await runSeed(dataDir, seedOptions)
    : { summary: JSON.parse(fs.readFileSync(path.join(dataDir, 'seed.json'), 'utf8')) }
  if (fresh) fs.writeFileSync(path.join(dataDir, 'seed.json'), JSON.stringify(summary))
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
  const server = await startServer(dataDir, nodeArgs)
  const base = server.baseUrl
  const account = summary.accounts[0]!
  const users = await Promise.all(
    account.extensions
      .slice(0, 8)
      .map(async (e: { id: string; phoneNumber: string; extensionNumber: string }) => ({
        ...e,
        token: await passwordLogin(
          base,
          summary.app,
          `${account.mainNumber}*${e.extensionNumber}`,
          summary.password,
        ),
      })),
  )

  let requests = 0
  let failures = 0
  let lastFailure = ''
  const deadline = Date.now() + minutes * 60_000

  async function call(token: string, method: string, url: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    requests++
    if (!response.ok) {
      failures++
      lastFailure = `${method} ${url}: ${response.status} ${text.slice(0, 200)}`
      return undefined
    }
    return text.startsWith('{') ? JSON.parse(text) : text
  }

  async function client(n: number): Promise<void> {
    const me = users[n % users.length]!
    const other = users[(n + 1) % users.length]!
    const store = '/restapi/v1.0/account/~/extension/~/message-store'
    let syncToken: string | undefined
    for (let i = 0; Date.now() < deadline; i++) {
      const day = (i * 7 + n) % 365
      const from = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString()
      const list = (await call(me.token, 'GET', `${store}?dateFrom=${from}&perPage=${10 + (i % 90)}`)) as
        | { records?: { id: string }[] }
        | undefined
      await call(me.token, 'GET', `${store}?dateFrom=2000-01-01T00:00:00Z&messageType=SMS`)
      const id = list?.records?.[i % Math.max(1, list.records.length)]?.id
      if (id) {
        await call(me.token, 'GET', `${store}/${id}`)
        await call(me.token, 'PUT', `${store}/${id}`, { readStatus: i % 2 ? 'Read' : 'Unread' })
      }
      if (i % 4 === 0) {
        await call(me.token, 'POST', '/restapi/v1.0/account/~/extension/~/sms', {
          from: { phoneNumber: me.phoneNumber },
          to: [{ phoneNumber: other.phoneNumber }],
          text: `soak ${n} ${i}`,
        })
      }
      if (i % 8 === 0) {
        await call(ADMIN_TOKEN, 'POST', `/admin/v1/accounts/${account.id}/inbound`, {
          type: 'SMS',
          from: '+14155550123',
          to: [me.phoneNumber],
          text: `inbound soak ${n} ${i}`,
        })
      }
      const sync = (await call(
        me.token,
        'GET',
        syncToken
          ? `/restapi/v1.0/account/~/extension/~/message-sync?syncType=ISync&syncToken=${encodeURIComponent(syncToken)}`
          : '/restapi/v1.0/account/~/extension/~/message-sync?syncType=FSync&recordCount=50',
      )) as { syncInfo?: { syncToken: string } } | undefined
      syncToken = sync?.syncInfo?.syncToken ?? syncToken
      // Now and then a fresh login, as applications do when a refresh token runs out.
      if (i % 100 === 99) {
        await passwordLogin(
          base,
          summary.app,
          `${account.mainNumber}*${me.extensionNumber}`,
          summary.password,
        )
        requests++
      }
    }
  }

  const samples: Sample[] = []
  const started = Date.now()
  const take = async () => {
    const sample = {
      second: Math.round((Date.now() - started) / 1000),
      ...memoryOf(server.pid),
      ...(await serverMemory(base)),
      requests,
      failures,
    }
    samples.push(sample)
    console.log(
      `${String(sample.second).padStart(5)} s  rss ${sample.rssMb.toFixed(1)} MB  anon ${sample.anonymousMb.toFixed(1)} MB  ` +
        `heap ${sample.heapUsedMb.toFixed(1)} MB  buffers ${sample.arrayBuffersMb.toFixed(1)} MB  requests ${requests}  failures ${failures}`,
    )
    if (process.env.SOAK_OUT)
      fs.writeFileSync(process.env.SOAK_OUT, JSON.stringify({ minutes, clients, samples }))
  }
  await take()
  const timer = setInterval(() => void take(), sampleSeconds * 1000)
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)))
  clearInterval(timer)
  await take()
  if (lastFailure) console.log(`last failure: ${lastFailure}`)
  await server.stop()
  if (!process.env.SOAK_DATA) removeDir(dataDir)
  const minute = (s: Sample) => Math.round(s.second / 60)
  const byMinute = new Map<number, number>()
  for (const s of samples) byMinute.set(minute(s), Math.max(byMinute.get(minute(s)) ?? 0, s.rssMb))
  console.log(
    'highest RSS by minute (MB):',
    [...byMinute].map(([m, mb]) => `${m}:${mb.toFixed(0)}`).join(' '),
  )
}

await main()
