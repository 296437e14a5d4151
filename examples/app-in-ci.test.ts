/**
 * An application's test suite against msgstore, as docs/testing-your-app.md describes it:
 * msgstore in the background with a provisioning file and a manual clock, the official
 * SDK pointed at it, a reset between tests, assertions on the journal, a fault injected,
 * and msgstore stopped at the end. `npm test` runs it.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, beforeEach, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { SDK } from '@ringcentral/sdk'

const MSGSTORE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js')
const ADMIN = 'ci-admin-token'
const provisioning = {
  accounts: [
    {
      id: '1001',
      name: 'Acme',
      mainNumber: '+16505550100',
      extensions: [
        {
          id: '62001',
          extensionNumber: '101',
          name: 'Alice',
          password: 'alice-pw',
          phoneNumbers: ['+16505550101'],
        },
      ],
    },
  ],
  apps: [
    {
      clientId: 'my-app',
      clientSecret: 'my-app-secret',
      name: 'The app under test',
      grantTypes: ['password', 'refresh_token'],
      permissions: ['ReadMessages', 'EditMessages', 'SMS'],
    },
  ],
}

let msgstore: ChildProcess
let baseUrl: string
let platform: ReturnType<SDK['platform']>

/** The admin API, as a test calls it. */
async function admin(method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  assert.ok(res.ok, `${method} ${url}: ${res.status}`)
  const text = await res.text()
  return text ? JSON.parse(text) : undefined
}

/** The code under test: sends a reminder and retries once if the service is unavailable. */
async function sendReminder(to: string): Promise<number> {
  const send = () =>
    platform.post('/restapi/v1.0/account/~/extension/~/sms', {
      from: { phoneNumber: '+16505550101' },
      to: [{ phoneNumber: to }],
      text: 'Your appointment is tomorrow',
    })
  const res = await send().catch((e) => {
    if (e.response?.status === 503) return send()
    throw e
  })
  return (await res.json()).id
}

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'my-app-ci-'))
  fs.writeFileSync(path.join(dir, 'provision.json'), JSON.stringify(provisioning))
  msgstore = spawn(
    process.execPath,
    [MSGSTORE, 'serve', '--port', '0', '--database', 'sqlite::memory:', '--data', dir, '--no-demo'].concat([
      '--provision',
      path.join(dir, 'provision.json'),
      '--clock',
      'manual',
      '--admin-token',
      ADMIN,
    ]),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  // Wait for the ready line, which names the URL.
  baseUrl = await new Promise((resolve, reject) => {
    let out = ''
    msgstore.stdout!.on('data', (chunk) => {
      out += chunk
      const m = /^msgstore listening on (\S+)$/m.exec(out)
      if (m) resolve(m[1]!)
    })
    msgstore.on('exit', (code) => reject(new Error(`msgstore exited with ${code}`)))
  })
  const sdk = new SDK({ server: baseUrl, clientId: 'my-app', clientSecret: 'my-app-secret' })
  platform = sdk.platform()
  await platform.login({ username: '+16505550101', extension: '101', password: 'alice-pw' })
})

beforeEach(async () => {
  // Every test starts from empty mailboxes and an empty journal; the login stays valid.
  await admin('POST', '/admin/v1/reset', { keep: 'accounts' })
})

after(async () => {
  msgstore.kill('SIGTERM')
  await new Promise((resolve) => msgstore.once('exit', resolve))
})

test('the reminder goes out once, to the right number', async () => {
  await sendReminder('+14155550123')
  const { records } = await admin('GET', '/admin/v1/messages?direction=Outbound')
  assert.equal(records.length, 1)
  assert.deepEqual(
    records[0].to.map((p: any) => p.phoneNumber),
    ['+14155550123'],
  )
  const { requests } = await admin(
    'GET',
    '/admin/v1/requests?method=POST&path=/restapi/v1.0/account/~/extension/~/sms',
  )
  assert.equal(requests.length, 1)
  assert.equal(JSON.parse(requests[0].requestBody).text, 'Your appointment is tomorrow')
  assert.equal(requests[0].requestHeaders.authorization, '***')
})

test('a 503 is retried once and the reminder still goes out', async () => {
  await admin('POST', '/admin/v1/faults', {
    method: 'POST',
    path: '/restapi/v1.0/account/~/extension/~/sms',
    status: 503,
    retryAfter: 1,
    times: 1,
  })
  await sendReminder('+14155550123')
  const { requests } = await admin('GET', '/admin/v1/requests?path=/restapi/v1.0/account/~/extension/~/sms')
  assert.deepEqual(
    requests.map((r: any) => r.status),
    [200, 503],
  )
  assert.equal((await admin('GET', '/admin/v1/messages')).records.length, 1)
})

test('delivery moves on when the test moves the clock', async () => {
  const id = await sendReminder('+14155550123')
  await admin('POST', '/admin/v1/clock', { advance: 'PT5M' })
  const res = await platform.get(`/restapi/v1.0/account/~/extension/~/message-store/${id}`)
  assert.equal((await res.json()).messageStatus, 'Delivered')
})
