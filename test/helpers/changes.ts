import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { SDK } from '@ringcentral/sdk'
import Database from 'better-sqlite3'
import pg from 'pg'
import { type RunningServer, STANDARD_FILE, type StartOptions, startServer } from './server.js'

/** Helpers of the test/e2e/changes-*.test.ts files (the write side of the message store). */

export const APP = { clientId: 'test-client', clientSecret: 'test-secret' }
export const READONLY_APP = { clientId: 'readonly-client', clientSecret: 'readonly-secret' }
export const ALICE = { username: '+16505550101', extension: '101', password: 'alice-secret', id: '62001' }
export const BOB = { username: '+16505550102', extension: '102', password: 'bob-secret', id: '62002' }
export const OLGA = { username: '+17205550101', extension: '101', password: 'olga-secret', id: '72001' }
export const STORE = '/restapi/v1.0/account/~/extension/~/message-store'
export const OUTSIDE = '+14155550123'

export type Platform = ReturnType<SDK['platform']>
type User = { username: string; extension: string; password: string }

let instances = 0

/**
 * Logs `user` in through the official SDK, with a JWT credential from the admin API as the
 * seeds' samples do (the password grant for an app that has only that grant); answers
 * the SDK (for `multipart`) and its platform.
 */
export async function login(
  server: RunningServer,
  user: User & { id: string } = ALICE,
  app = APP,
): Promise<{ sdk: SDK; platform: Platform }> {
  instances += 1
  const sdk = new SDK({ server: server.baseUrl, ...app, cachePrefix: `changes-${process.pid}-${instances}-` })
  const platform = sdk.platform()
  if (app === READONLY_APP) {
    await platform.login({ username: user.username, extension: user.extension, password: user.password })
  } else {
    const account = user === OLGA ? '2001' : '1001'
    const res = await server.admin('POST', `/admin/v1/accounts/${account}/extensions/${user.id}/jwt`)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    await platform.login({ jwt: res.body.jwt })
  }
  return { sdk, platform }
}

/** A server with STANDARD_FILE applied. */
export async function startStandard(opts: StartOptions = {}): Promise<RunningServer> {
  const server = await startServer(opts)
  const res = await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return server
}

export interface Inbound {
  type: 'SMS' | 'MMS' | 'VoiceMail' | 'Fax'
  from?: string
  to: string[]
  text?: string
  creationTime?: string
  attachments?: { contentType: string; fileName?: string; bytes: Buffer; vmDuration?: number }[]
}

/** Delivers a message from outside through the admin API; answers the id of each copy, in `to` order. */
export async function deliver(server: RunningServer, m: Inbound, accountId = '1001'): Promise<number[]> {
  const res = await server.admin('POST', `/admin/v1/accounts/${accountId}/inbound`, {
    type: m.type,
    from: m.from ?? OUTSIDE,
    to: m.to,
    text: m.text,
    creationTime: m.creationTime,
    attachments: m.attachments?.map(({ bytes, ...rest }) => ({ ...rest, base64: bytes.toString('base64') })),
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return (res.body.messages as { id: number }[]).map((x) => x.id)
}

export async function smsTo(
  server: RunningServer,
  to: string,
  text = `hello ${randomBytes(4).toString('hex')}`,
) {
  const [id] = await deliver(server, { type: 'SMS', to: [to], text })
  return id!
}

export async function json(response: Response): Promise<any> {
  return response.json()
}

/** The status and parsed body of a failed SDK call (the SDK throws with `e.response`). */
export async function failure(
  call: Promise<unknown>,
): Promise<{ status: number; body: any; headers: Headers }> {
  try {
    await call
  } catch (e) {
    const response = (e as { response?: Response }).response
    if (!response) throw e
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers }
  }
  assert.fail('expected the call to fail')
}

/** Every record of the caller's mailbox, whatever its availability, by id. */
export async function everything(platform: Platform, extension = '~'): Promise<Map<number, any>> {
  const res = await platform.get(`/restapi/v1.0/account/~/extension/${extension}/message-store`, {
    availability: ['Alive', 'Deleted', 'Purged'],
    dateFrom: '2000-01-01T00:00:00Z',
    perPage: 1000,
  })
  const body = await res.json()
  return new Map((body.records as any[]).map((r) => [r.id, r]))
}

export async function record(platform: Platform, id: number): Promise<any> {
  return (await platform.get(`${STORE}/${id}`)).json()
}

/**
 * Moves the manual clock past the grace period a blob is kept after its last write
 * (src/services/message-changes.ts, BLOB_GRACE_MS), running the releases that came due.
 */
export async function pastBlobGrace(server: RunningServer): Promise<void> {
  const res = await server.admin('POST', '/admin/v1/clock', { advance: 'PT11M' })
  assert.equal(res.status, 200, JSON.stringify(res.body))
}

/** Where the fs blob store keeps `bytes`; undefined when the server keeps blobs in its database. */
export function blobFile(server: RunningServer, bytes: Buffer): string | undefined {
  if (process.env.MSGSTORE_TEST_DATABASE_URL || process.env.MSGSTORE_BLOB_STORE === 'database')
    return undefined
  const key = createHash('sha256').update(bytes).digest('hex')
  return path.join(server.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key)
}

export function exists(file: string | undefined): boolean {
  return file !== undefined && fs.existsSync(file)
}

/**
 * Whether the server's blob store still holds `bytes`: the file of the fs store, or the
 * `blobs` row of the database store (PostgreSQL, or SQLite with MSGSTORE_BLOB_STORE=database).
 */
export async function blobKept(server: RunningServer, bytes: Buffer): Promise<boolean> {
  const file = blobFile(server, bytes)
  if (file !== undefined) return fs.existsSync(file)
  const key = createHash('sha256').update(bytes).digest('hex')
  const marker = path.join(server.dataDir, 'database-url')
  if (fs.existsSync(marker)) {
    const client = new pg.Client({ connectionString: fs.readFileSync(marker, 'utf8') })
    await client.connect()
    try {
      return (await client.query('select 1 from blobs where key = $1', [key])).rowCount === 1
    } finally {
      await client.end()
    }
  }
  const db = new Database(path.join(server.dataDir, 'msgstore.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare('select 1 from blobs where key = ?').get(key) !== undefined
  } finally {
    db.close()
  }
}

/** A multipart/mixed request body: one JSON part per item (as the batch requests guide shows). */
export function mixedBody(items: unknown[]): { contentType: string; body: string } {
  const boundary = `Boundary_${randomBytes(8).toString('hex')}`
  let body = ''
  for (const item of items)
    body += `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(item)}\r\n`
  body += `--${boundary}--\r\n`
  return { contentType: `multipart/mixed; boundary=${boundary}`, body }
}

export const MULTIPART_JSON = 'application/vnd.ringcentral.multipart+json'

/** Sends `method url` with a raw string body through the SDK (which leaves string bodies alone). */
export function sendRaw(
  platform: Platform,
  method: 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<Response> {
  return platform.send({ method, url, body, headers })
}

/** Random bytes that start like a given file type, so that each test download is distinct. */
export function fakeFile(kind: 'wav' | 'pdf' | 'png' | 'bin', size: number): Buffer {
  const head = {
    wav: Buffer.from('RIFF\0\0\0\0WAVEfmt '),
    pdf: Buffer.from('%PDF-1.4\n'),
    png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    bin: Buffer.alloc(0),
  }[kind]
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length))])
}
