import assert from 'node:assert/strict'
import yauzl from 'yauzl'
import type { Platform } from './sdk.js'

/** Message store reports as the seed document's sample drives them, through the SDK. */

export const REPORTS = '/restapi/v1.0/account/~/message-store-report'

export async function createReport(platform: Platform, body: Record<string, unknown>): Promise<any> {
  const res = await platform.post(REPORTS, body)
  assert.equal(res.status, 202)
  return res.json()
}

export async function readTask(platform: Platform, taskId: string): Promise<any> {
  return (await platform.get(`${REPORTS}/${taskId}`)).json()
}

/**
 * Polls the task as the sample does (it waits 10 s between polls; 50 ms here) until it
 * is Completed; fails on Failed or Cancelled. `seen` collects every status observed.
 */
export async function waitForStatus(
  platform: Platform,
  taskId: string,
  wanted: string[] = ['Completed'],
  seen: string[] = [],
): Promise<any> {
  for (;;) {
    const task = await readTask(platform, taskId)
    if (seen[seen.length - 1] !== task.status) seen.push(task.status)
    if (wanted.includes(task.status)) return task
    if (['Failed', 'Cancelled'].includes(task.status)) assert.fail(`task ${taskId} is ${task.status}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function listArchives(
  platform: Platform,
  taskId: string,
): Promise<{ size: number; uri: string }[]> {
  const body = await (await platform.get(`${REPORTS}/${taskId}/archive`)).json()
  return body.records
}

/** Downloads an archive as the sample does: a plain HTTP GET of its uri with the bearer token. */
export async function download(
  platform: Platform,
  uri: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const token = (await platform.auth().data()).access_token
  const res = await fetch(uri, { headers: { authorization: `Bearer ${token}`, ...headers } })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

export interface ZipContent {
  entries: Map<string, Buffer>
  comment: string
}

/** Reads a whole zip (test-sized) with yauzl, checking every entry's CRC on the way. */
export function unzip(zip: Buffer): Promise<ZipContent> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (err, file) => {
      if (err || !file) return reject(err)
      const entries = new Map<string, Buffer>()
      file.on('error', reject)
      file.on('end', () => resolve({ entries, comment: file.comment }))
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (err2, stream) => {
          if (err2 || !stream) return reject(err2)
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('error', reject)
          stream.on('end', () => {
            assert.ok(!entries.has(entry.fileName), `duplicate entry ${entry.fileName}`)
            entries.set(entry.fileName, Buffer.concat(chunks))
            file.readEntry()
          })
        })
      })
      file.readEntry()
    })
  })
}

/** Every record of every message-store.json in archive 0, by message id, with the mailbox folder it was in. */
export function recordsOf(
  archive0: ZipContent,
  accountId: string,
): Map<number, { extensionId: string; record: any }> {
  const out = new Map<number, { extensionId: string; record: any }>()
  for (const [name, bytes] of archive0.entries) {
    const m = new RegExp(`^account/${accountId}/extension/(\\d+)/message-store\\.json$`).exec(name)
    assert.ok(m, `unexpected entry in archive 0: ${name}`)
    const json = JSON.parse(bytes.toString('utf8'))
    assert.deepEqual(Object.keys(json), ['records'])
    for (const record of json.records) {
      assert.ok(!out.has(record.id), `message ${record.id} twice`)
      out.set(record.id, { extensionId: m[1]!, record })
    }
  }
  return out
}

/** `…/content/<messageId>/<attachmentId>_name` or `<attachmentId>.ext` → [messageId, attachmentId]. */
export function attachmentOf(
  name: string,
  accountId: string,
): { extensionId: string; messageId: number; attachmentId: number } {
  const m = new RegExp(
    `^account/${accountId}/extension/(\\d+)/message-store/content/(\\d+)/(\\d+)(?:_.+|\\.[a-z0-9]+)$`,
  ).exec(name)
  assert.ok(m, `unexpected attachment entry ${name}`)
  return { extensionId: m[1]!, messageId: Number(m[2]), attachmentId: Number(m[3]) }
}

/** Every record of a mailbox in a range, any availability but Purged, as listMessages answers. */
export async function listAll(
  platform: Platform,
  extensionId: string,
  dateFrom: string,
  dateTo: string,
): Promise<any[]> {
  const records: any[] = []
  for (let page = 1; ; page++) {
    const res = await platform.get(`/restapi/v1.0/account/~/extension/${extensionId}/message-store`, {
      dateFrom,
      dateTo,
      availability: ['Alive', 'Deleted'],
      perPage: 1000,
      page,
    })
    const body = await res.json()
    records.push(...body.records)
    if (page >= body.paging.totalPages) return records
  }
}
