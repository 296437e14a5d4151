import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type FuzzRequest, prng, RequestFuzzer } from '../helpers/fuzz-requests.js'
import { rawRequest } from '../helpers/raw-http.js'
import { ALICE, APP, basic, deliverOne, login, MESSAGE_STORE, startProvisioned } from '../helpers/sdk.js'
import { ADMIN_TOKEN, type RunningServer, STANDARD_FILE } from '../helpers/server.js'

// Seeded fuzzing of the whole HTTP surface. Every answer must be below 500, and every
// 4xx must carry RingCentral's error shape (RFC 6749's on the OAuth endpoints); the
// server must still serve at the end. A failure prints its seed and case number:
// MSGSTORE_FUZZ_SEED=<seed> reruns the same sequence.

const SEED = Number(process.env.MSGSTORE_FUZZ_SEED ?? 20261202)
const CASES = Number(process.env.MSGSTORE_FUZZ_CASES ?? 1200)
const CONCURRENCY = 4

let server: RunningServer
let host: string

before(async () => {
  server = await startProvisioned()
  host = new URL(server.baseUrl).host
})
after(async () => {
  await server.stop()
})

test(`seeded fuzz of every route family (seed ${SEED}, ${CASES} cases)`, { timeout: 600_000 }, async () => {
  const platform = await login(server.baseUrl, ALICE)
  const token = (await platform.auth().data()).access_token!
  const messageIds: number[] = []
  for (const text of ['one', 'two', 'three']) {
    messageIds.push(
      await deliverOne(server, { type: 'SMS', from: '+14155550123', to: [ALICE.username], text }),
    )
  }
  const random = prng(SEED)
  const fuzzer = new RequestFuzzer(random, {
    token,
    adminToken: ADMIN_TOKEN,
    clientBasic: basic(APP.clientId, APP.clientSecret),
    messageIds,
  })
  // Generated up front, in order, so the sequence depends on the seed alone.
  const requests = [...limitCases(), ...Array.from({ length: CASES }, () => fuzzer.next())]
  const corruptions = requests.map(() => random())
  const failures: string[] = []
  let nextCase = 0
  const worker = async () => {
    while (nextCase < requests.length && failures.length < 5) {
      const i = nextCase++
      const request = requests[i]!
      try {
        const answer = await sendOne(request, corruptions[i]!)
        const problem = judge(request, answer)
        if (problem) failures.push(`case ${i}: ${describe(request)} -> ${problem}`)
      } catch (err) {
        const cause = (err as { cause?: Error }).cause
        failures.push(`case ${i}: ${describe(request)} -> ${(err as Error).message} ${cause?.message ?? ''}`)
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  assert.deepEqual(
    failures,
    [],
    `seed ${SEED} (rerun with MSGSTORE_FUZZ_SEED=${SEED}):\n${failures.join('\n')}`,
  )

  // Healthy at the end: the store serves, the operator's API works, a user logs in and lists.
  assert.equal(server.process.exitCode, null, 'the server exited')
  assert.equal((await fetch(`${server.baseUrl}/restapi/v1.0`)).status, 200)
  assert.equal((await server.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
  const again = await login(server.baseUrl, ALICE)
  const list = await (await again.get(MESSAGE_STORE, { perPage: 1 })).json()
  assert.ok(Array.isArray(list.records))
  assert.doesNotMatch(server.output(), /request failed/, 'a request failed with a 500')
})

interface Answer {
  status: number
  contentType: string
  body: string
}

/**
 * Sends through fetch; as raw bytes when the case says so, when fetch refuses the
 * request, or when the body is large (the server answers 413 from its length alone and
 * closes the connection, which fetch reports as a failure of its own).
 */
async function sendOne(request: FuzzRequest, corruption: number): Promise<Answer> {
  const large = (request.body?.length ?? 0) > 1024 * 1024
  if (!request.raw && !large) {
    try {
      const res = await fetch(`${server.baseUrl}${request.url}`, {
        method: request.method,
        headers: request.headers,
        body:
          request.body && request.method !== 'GET' && request.method !== 'HEAD'
            ? new Uint8Array(request.body)
            : undefined,
      })
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        body: await res.text(),
      }
    } catch (err) {
      const refusedByClient =
        err instanceof TypeError &&
        (!/fetch failed/.test(err.message) ||
          (err.cause as { code?: string } | undefined)?.code === 'UND_ERR_INVALID_ARG')
      if (!refusedByClient) throw err
      // An invalid header or URL that fetch will not send: the server must still answer it.
    }
  }
  let bytes = serialize(request, request.raw ? corruption : undefined)
  // Of a large body only the head and its first bytes: the server must answer from the
  // declared length alone, and a write it has stopped reading would fail with EPIPE.
  if (large) bytes = bytes.subarray(0, bytes.length - (request.body?.length ?? 0) + 64 * 1024)
  const res = await rawRequest(server.baseUrl, bytes)
  return { status: res.status, contentType: res.headers['content-type'] ?? '', body: res.body }
}

/** The request as bytes; with a corruption, one byte of its head replaced by NUL, 0xFF, a bare LF or a space. */
function serialize(request: FuzzRequest, corruption?: number): Buffer {
  const body = request.body ?? Buffer.alloc(0)
  const lines = [`${request.method} ${request.url} HTTP/1.1`, `Host: ${host}`]
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`)
  if (body.length || request.method !== 'GET') lines.push(`Content-Length: ${body.length}`)
  lines.push('Connection: close')
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8')
  if (corruption !== undefined) {
    const at = Math.floor(corruption * (head.length - 4))
    head[at] = [0x00, 0xff, 0x0a, 0x20, 0x7f][Math.floor(corruption * 1e6) % 5]!
  }
  return Buffer.concat([head, body])
}

function judge(request: FuzzRequest, answer: Answer): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}: ${answer.body.slice(0, 300)}`
  if (answer.status < 400) return undefined
  let body: any
  try {
    body = JSON.parse(answer.body)
  } catch {
    return `status ${answer.status} without a JSON body: ${JSON.stringify(answer.body.slice(0, 200))}`
  }
  const ringCentral =
    typeof body?.errorCode === 'string' &&
    typeof body.message === 'string' &&
    Array.isArray(body.errors) &&
    body.errors[0]?.errorCode === body.errorCode
  const oauth =
    typeof body?.error === 'string' &&
    typeof body.error_description === 'string' &&
    Array.isArray(body.errors) &&
    typeof body.errors[0]?.errorCode === 'string'
  // Before routing (the HTTP parser refused the bytes) the OAuth URL is not known for sure.
  if (request.oauth && answer.status !== 404 && answer.status !== 405 && !request.raw) {
    return oauth ? undefined : `status ${answer.status}, not RFC 6749's shape: ${answer.body.slice(0, 300)}`
  }
  return ringCentral || (request.raw && oauth)
    ? undefined
    : `status ${answer.status}, not RingCentral's shape: ${answer.body.slice(0, 300)}`
}

/** Sizes at and over the limits: the URL parameter length, headers, bulk and send bodies, the body limit. */
function limitCases(): FuzzRequest[] {
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }
  const big = (bytes: number) => Buffer.alloc(bytes, 'a')
  return [
    { method: 'GET', url: `${MESSAGE_STORE}/${'1'.repeat(2000)}`, headers: auth, oauth: false },
    { method: 'GET', url: `${MESSAGE_STORE}/${'1'.repeat(2001)}`, headers: auth, oauth: false },
    { method: 'GET', url: '/restapi/v1.0', headers: { 'x-pad': 'a'.repeat(15 * 1024) }, oauth: false },
    { method: 'GET', url: '/restapi/v1.0', headers: { 'x-pad': 'a'.repeat(17 * 1024) }, oauth: false },
    {
      method: 'PUT',
      url: `${MESSAGE_STORE}/1,2`,
      headers: { ...auth, 'content-type': 'multipart/mixed; boundary=b' },
      body: big(4 * 1024 * 1024 + 1),
      oauth: false,
    },
    {
      method: 'POST',
      url: '/restapi/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big(50 * 1024 * 1024 + 1),
      oauth: true,
    },
    {
      method: 'POST',
      url: '/restapi/v1.0/account/~/extension/~/sms',
      headers: { ...auth, 'content-type': 'application/json' },
      body: big(10 * 1024 * 1024 + 1),
      oauth: false,
    },
  ]
}

function describe(request: FuzzRequest): string {
  const body = request.body
    ? ` body ${request.body.length} bytes ${JSON.stringify(request.body.subarray(0, 120).toString('latin1'))}`
    : ''
  return `${request.raw ? 'raw ' : ''}${request.method} ${request.url.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 300)}${body}`
}
