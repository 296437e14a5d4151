import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { runCli } from './cli.js'
import { waitFor } from './notifications.js'
import { APP, login, type Platform, startProvisioned } from './sdk.js'
import { databaseFor, MAIN, type RunningServer, type StartOptions } from './server.js'

export const ACCOUNT = '1001'
/** STANDARD_FILE's SuperAdmin: the mirror logs in to the source as her. */
export const ADMIN_EXTENSION = '62001'
export const FROM_1970 = '1970-01-01T00:00:00Z'

/**
 * A source and a local msgstore, both with STANDARD_FILE (the local users log in to
 * read what was mirrored). On PostgreSQL (MSGSTORE_TEST_DATABASE_URL) each has its own
 * database.
 */
export async function startPair(
  sourceOptions: StartOptions = {},
  localOptions: StartOptions = {},
): Promise<{ source: RunningServer; local: RunningServer }> {
  const [source, local] = await Promise.all([startProvisioned(sourceOptions), startProvisioned(localOptions)])
  return { source, local }
}

async function mirrorArgs(source: RunningServer, local: RunningServer, extra: string[]): Promise<string[]> {
  const res = await source.admin('POST', `/admin/v1/accounts/${ACCOUNT}/extensions/${ADMIN_EXTENSION}/jwt`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  const database = await databaseFor(local.dataDir)
  return [
    'mirror',
    '--source',
    source.baseUrl,
    '--client-id',
    APP.clientId,
    '--client-secret',
    APP.clientSecret,
    '--jwt',
    res.body.jwt,
    '--account',
    ACCOUNT,
    '--data',
    local.dataDir,
    ...(database ? ['--database', database] : []),
    ...extra,
  ]
}

/** `msgstore mirror --once`; fails the test unless it exits 0. */
export async function mirrorOnce(source: RunningServer, local: RunningServer, extra: string[] = []) {
  const result = await runCli([...(await mirrorArgs(source, local, extra)), '--once'], {}, 120_000)
  assert.equal(result.code, 0, `mirror --once failed:\n${result.stdout}\n${result.stderr}`)
  return result
}

export interface RunningMirror {
  process: ChildProcess
  output(): string
  stop(): Promise<number | null>
  kill(): Promise<void>
}

/** `msgstore mirror` following the source, until stopped. */
export async function startMirror(
  source: RunningServer,
  local: RunningServer,
  extra: string[] = [],
): Promise<RunningMirror> {
  const child = spawn(process.execPath, [MAIN, ...(await mirrorArgs(source, local, extra))], {
    env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
  })
  child.stderr!.on('data', (d) => {
    out += d
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode
      child.kill('SIGTERM')
      return exited
    },
    async kill() {
      if (child.exitCode !== null) return
      child.kill('SIGKILL')
      await exited
    },
  }
}

/** Every record of one mailbox, whatever its availability, by id, with the server's base URL taken out. */
export async function mailbox(
  platform: Platform,
  baseUrl: string,
  extensionId: string,
): Promise<Map<number, any>> {
  const res = await platform.get(`/restapi/v1.0/account/~/extension/${extensionId}/message-store`, {
    availability: ['Alive', 'Deleted', 'Purged'],
    dateFrom: FROM_1970,
    perPage: 1000,
  })
  const body = await res.json()
  return new Map(
    (body.records as any[]).map((r) => [r.id, JSON.parse(JSON.stringify(r).replaceAll(baseUrl, 'BASE'))]),
  )
}

/** Logs in as STANDARD_FILE's SuperAdmin (she reads every mailbox of the account). */
export function loginAdmin(server: RunningServer): Promise<Platform> {
  return login(server.baseUrl)
}

/**
 * Asserts that every mailbox of `extensions` lists the same records on both servers,
 * and that every attachment has the same bytes.
 */
export async function assertMirrored(
  pair: { source: RunningServer; local: RunningServer },
  extensions: string[],
): Promise<number> {
  const [src, dst] = await Promise.all([loginAdmin(pair.source), loginAdmin(pair.local)])
  let compared = 0
  for (const extension of extensions) {
    const expected = await mailbox(src, pair.source.baseUrl, extension)
    const actual = await mailbox(dst, pair.local.baseUrl, extension)
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `mailbox ${extension}: same ids`)
    for (const [id, record] of expected) {
      assert.deepEqual(actual.get(id), record, `mailbox ${extension}: record ${id}`)
      for (const attachment of record.attachments ?? []) {
        const uri = attachment.uri.replace('BASE', '')
        const [a, b] = await Promise.all([src.get(uri), dst.get(uri)])
        assert.ok(
          Buffer.from(await a.arrayBuffer()).equals(Buffer.from(await b.arrayBuffer())),
          `attachment ${uri}: same bytes`,
        )
      }
      compared += 1
    }
  }
  return compared
}

/** Polls until the local copy of `extensions` equals the source's. */
export async function waitMirrored(
  pair: { source: RunningServer; local: RunningServer },
  extensions: string[],
  what: string,
): Promise<void> {
  let last: unknown
  await waitFor(
    what,
    async () => {
      try {
        await assertMirrored(pair, extensions)
        return true
      } catch (e) {
        last = e
        return false
      }
    },
    60_000,
  ).catch((e) => {
    throw last ?? e
  })
}

/** The local server's mirror status, by extension id. */
export async function mirrorStatus(local: RunningServer): Promise<Map<string, any>> {
  const res = await local.admin('GET', `/admin/v1/mirror?accountId=${ACCOUNT}`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return new Map((res.body.records as any[]).map((r) => [r.extensionId, r]))
}
