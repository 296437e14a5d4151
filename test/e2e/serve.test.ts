import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { getJson, MESSAGE_STORE, sdkFor } from '../helpers/sdk.js'
import { type RunningServer, startServer } from '../helpers/server.js'

// `msgstore serve` as an operator meets it: the ready line, the demo account, the
// unauthenticated routes, and a clean stop. The same data folder is served twice.
let server: RunningServer
let demo: { clientId: string; clientSecret: string; username: string; extension: string; password: string }

before(async () => {
  server = await startServer({ demo: true })
  const out = server.output()
  const creds =
    /client id (\S+), client secret (\S+)\n\s*username (\S+), extension (\S+), password (\S+)/.exec(out)
  assert.ok(creds, `no demo credentials printed:\n${out}`)
  const [, clientId, clientSecret, username, extension, password] = creds as unknown as string[]
  demo = {
    clientId: clientId!,
    clientSecret: clientSecret!,
    username: username!,
    extension: extension!,
    password: password!,
  }
})
after(async () => {
  await server.stop()
})

async function demoLogin(baseUrl: string) {
  const platform = sdkFor(baseUrl, demo).platform()
  await platform.login({ username: demo.username, extension: demo.extension, password: demo.password })
  return platform
}

describe('msgstore serve', () => {
  test('prints exactly one ready line with the base URL', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('msgstore listening on '))
    assert.deepEqual(lines, [`msgstore listening on ${server.baseUrl}`])
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  })

  test('the demo account logs in as printed and has messages to read', async () => {
    const platform = await demoLogin(server.baseUrl)
    const body = await (await platform.get(MESSAGE_STORE)).json()
    const types = body.records.map((r: { type: string }) => r.type).sort()
    assert.deepEqual(types, ['SMS', 'VoiceMail'])
    const sms = body.records.find((r: { type: string }) => r.type === 'SMS')
    assert.equal(sms.subject, 'Welcome to msgstore!')
  })

  test('the printed curl command logs in as written', async () => {
    const line = server
      .output()
      .split('\n')
      .find((l) => l.trim().startsWith('curl '))
    assert.ok(line, 'a curl example is printed')
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('sh', ['-c', `${line.trim()} --silent --show-error`], (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      ),
    )
    const info = JSON.parse(stdout)
    assert.equal(typeof info.access_token, 'string')
    assert.equal((await getJson(`${server.baseUrl}${MESSAGE_STORE}`, info.access_token)).status, 200)
  })

  test('GET /restapi answers the API versions without a token', async () => {
    const res = await getJson(`${server.baseUrl}/restapi`)
    assert.equal(res.status, 200)
    assert.equal(res.body.apiVersions.length, 1)
    const [v] = res.body.apiVersions
    assert.equal(v.uri, `${server.baseUrl}/restapi/v1.0`)
    assert.match(v.versionString, /^1\.0\.\d+$/)
    assert.equal(v.uriString, 'v1.0')
    assert.ok(!Number.isNaN(Date.parse(v.releaseDate)))
  })

  test('GET /healthz answers 200 without a token', async () => {
    const res = await getJson(`${server.baseUrl}/healthz`)
    assert.equal(res.status, 200)
  })

  test('SIGTERM stops it with exit code 0', async () => {
    assert.equal(await server.stop(), 0)
    await assert.rejects(fetch(`${server.baseUrl}/healthz`))
  })
})

describe('serving the same folder again', () => {
  let again: RunningServer
  const publicUrl = 'https://messages.example.com:8443'
  before(async () => {
    again = await startServer({
      dataDir: server.dataDir,
      demo: true,
      env: { MSGSTORE_PUBLIC_URL: publicUrl },
    })
  })
  after(async () => {
    await again.stop()
  })

  test('keeps the store: no second demo, the same messages', async () => {
    const platform = await demoLogin(again.baseUrl)
    const body = await (await platform.get(MESSAGE_STORE)).json()
    assert.equal(body.records.length, 2)
  })

  test('every uri starts with the public URL', async () => {
    const platform = await demoLogin(again.baseUrl)
    const body = await (await platform.get(MESSAGE_STORE, { perPage: 1 })).json()
    assert.ok(body.uri.startsWith(`${publicUrl}/restapi/v1.0/`), body.uri)
    const record = body.records[0]
    assert.ok(record.uri.startsWith(`${publicUrl}/restapi/v1.0/account/`), record.uri)
    for (const a of record.attachments) assert.ok(a.uri.startsWith(`${record.uri}/content/`), a.uri)
    for (const link of Object.values(body.navigation) as { uri: string }[]) {
      assert.ok(
        link.uri.startsWith(`${publicUrl}/restapi/v1.0/account/100000001/extension/100000101/message-store?`),
        link.uri,
      )
    }
    const versions = await getJson(`${again.baseUrl}/restapi`)
    assert.equal(versions.body.apiVersions[0].uri, `${publicUrl}/restapi/v1.0`)
  })

  test('SIGINT stops it with exit code 0 too', async () => {
    const exited = new Promise<number | null>((resolve) => again.process.on('exit', (code) => resolve(code)))
    again.process.kill('SIGINT')
    assert.equal(await exited, 0)
  })
})
