import assert from 'node:assert/strict'
import { SDK } from '@ringcentral/sdk'
import { type RunningServer, STANDARD_FILE, type StartOptions, startServer } from './server.js'

/** Credentials of STANDARD_FILE (see server.ts). */
export const APP = { clientId: 'test-client', clientSecret: 'test-secret' }
export const READONLY_APP = { clientId: 'readonly-client', clientSecret: 'readonly-secret' }
export const ALICE = { username: '+16505550101', extension: '101', password: 'alice-secret', id: '62001' }
export const BOB = { username: '+16505550102', extension: '102', password: 'bob-secret', id: '62002' }
export const DORA = { username: '+16505550103', extension: '103', password: 'dora-secret', id: '62003' }
export const OLGA = { username: '+17205550101', extension: '101', password: 'olga-secret', id: '72001' }
export const MAIN_NUMBER = '+16505550100'
export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
export const MESSAGE_STORE = '/restapi/v1.0/account/~/extension/~/message-store'

export type Platform = ReturnType<SDK['platform']>
export interface User {
  username: string
  extension?: string
  password: string
}

let instances = 0

/**
 * A fresh SDK. The SDK keeps tokens in one process-wide in-memory storage keyed by
 * `cachePrefix`, so every instance gets its own prefix or they would share a session.
 */
export function sdkFor(baseUrl: string, app: { clientId: string; clientSecret: string } = APP): SDK {
  instances += 1
  return new SDK({ server: baseUrl, ...app, cachePrefix: `msgstore-test-${process.pid}-${instances}-` })
}

/** Logs `user` in with the password grant through the SDK; answers the platform. */
export async function login(baseUrl: string, user: User = ALICE, app = APP): Promise<Platform> {
  const platform = sdkFor(baseUrl, app).platform()
  await platform.login({ username: user.username, extension: user.extension, password: user.password })
  return platform
}

/** A server with STANDARD_FILE applied. */
export async function startProvisioned(opts: StartOptions = {}): Promise<RunningServer> {
  const server = await startServer(opts)
  const res = await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return server
}

/** The status and parsed body of a failed SDK call (it throws with `e.response`). */
export async function sdkError(call: Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    await call
  } catch (e) {
    const response = (e as { response?: Response }).response
    if (!response) throw e
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : undefined }
  }
  assert.fail('expected the call to fail')
}

/** A raw OAuth call (form body, HTTP Basic client auth) for cases the SDK cannot express. */
export async function tokenRequest(
  baseUrl: string,
  form: Record<string, string>,
  opts: {
    app?: { clientId: string; clientSecret: string } | null
    path?: string
    authorization?: string
  } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const app = opts.app === undefined ? APP : opts.app
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (opts.authorization) headers.authorization = opts.authorization
  else if (app) headers.authorization = basic(app.clientId, app.clientSecret)
  const res = await fetch(`${baseUrl}${opts.path ?? '/restapi/oauth/token'}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form).toString(),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers }
}

/** An OAuth error in RFC 6749 form with RingCentral's `errors` array beside it. */
export function assertOAuthError(
  res: { status: number; body: any },
  status: number,
  error: string,
  errorCode?: string,
) {
  assert.equal(res.status, status, JSON.stringify(res.body))
  assert.equal(res.body.error, error)
  assert.equal(typeof res.body.error_description, 'string')
  assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0, 'errors array')
  assert.match(res.body.errors[0].errorCode, /^OAU-\d+$/)
  assert.equal(res.body.errors[0].message, res.body.error_description)
  if (errorCode) assert.equal(res.body.errors[0].errorCode, errorCode)
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`
}

/** A password-grant token for `user`, by hand. */
export async function passwordToken(baseUrl: string, user: User = ALICE, extra: Record<string, string> = {}) {
  const res = await tokenRequest(baseUrl, {
    grant_type: 'password',
    username: user.extension ? `${user.username}*${user.extension}` : user.username,
    password: user.password,
    ...extra,
  })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body as { access_token: string; refresh_token: string; expires_in: number; [k: string]: unknown }
}

/** GET with a bearer token, by hand; answers status, parsed JSON body (when JSON) and headers. */
export async function getJson(
  url: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const res = await fetch(url, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  })
  const text = await res.text()
  const isJson = /json/.test(res.headers.get('content-type') ?? '')
  return {
    status: res.status,
    body: isJson && text ? JSON.parse(text) : undefined,
    headers: res.headers,
    text,
  }
}

export interface InboundMessage {
  type: 'SMS' | 'MMS' | 'VoiceMail' | 'Fax'
  from: string
  to: string[]
  text?: string
  subject?: string
  creationTime?: string
  attachments?: { contentType?: string; fileName?: string; base64: string; vmDuration?: number }[]
  faxPageCount?: number
}

/** Delivers a message from outside through the admin API; answers the id of each copy (one per receiving extension). */
export async function deliver(
  server: RunningServer,
  message: InboundMessage,
  accountId = '1001',
): Promise<number[]> {
  const res = await server.admin('POST', `/admin/v1/accounts/${accountId}/inbound`, message)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return (res.body.messages as { id: number }[]).map((m) => m.id)
}

/** Delivers one message into one mailbox; answers its id. */
export async function deliverOne(
  server: RunningServer,
  message: InboundMessage,
  accountId = '1001',
): Promise<number> {
  const [id] = await deliver(server, message, accountId)
  return id!
}
