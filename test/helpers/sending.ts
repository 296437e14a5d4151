import assert from 'node:assert/strict'
import FormData from 'form-data'
import { type Platform, startProvisioned } from './sdk.js'
import type { RunningServer } from './server.js'

/** Helpers of the sending tests (test/e2e/send-*.test.ts). */

export const EXT = '/restapi/v1.0/account/~/extension/~'
export const OUTSIDE = '+14155550123'
export const SENDING_FAILS = '+15005550001'
export const DELIVERY_FAILS = '+15005550002'
export const SLOW = '+15005550003'

/** A provisioned server on the manual clock: delivery moves only when a test moves the clock. */
export function startSendingServer(): Promise<RunningServer> {
  return startProvisioned({ args: ['--clock', 'manual'] })
}

/**
 * Moves the manual clock (an ISO 8601 duration); the admin API runs every job that
 * came due before it answers. `PT0S` runs the steps due now (deliveries inside the
 * store). Access tokens expire on the store's clock too: `platforms` get fresh ones,
 * since the SDK, which trusts its own clock, would otherwise meet a 401 and retry a
 * multipart request with its body already spent.
 */
export async function advance(
  server: RunningServer,
  duration = 'PT0S',
  ...platforms: Platform[]
): Promise<void> {
  const res = await server.admin('POST', '/admin/v1/clock', { advance: duration })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  for (const p of platforms) await p.refresh()
}

export async function post(platform: Platform, path: string, body: unknown): Promise<any> {
  const res = await platform.post(`${EXT}${path}`, body)
  return res.json()
}

export async function message(platform: Platform, id: number | string): Promise<any> {
  return (await platform.get(`${EXT}/message-store/${id}`)).json()
}

/** The caller's messages, newest first (a wide date window: the manual clock may run ahead). */
export async function messages(platform: Platform, query: Record<string, unknown> = {}): Promise<any[]> {
  const res = await platform.get(`${EXT}/message-store`, {
    dateFrom: '2000-01-01T00:00:00Z',
    dateTo: '2100-01-01T00:00:00Z',
    perPage: 1000,
    ...query,
  })
  return (await res.json()).records
}

/** Attachment bytes through the content endpoint, as the SDK's users read them. */
export async function content(platform: Platform, uri: string): Promise<{ type: string; bytes: Buffer }> {
  const res = await platform.get(uri)
  return { type: res.headers.get('content-type') ?? '', bytes: Buffer.from(await res.arrayBuffer()) }
}

/** A document or media file to attach. */
export interface Part {
  bytes: Buffer | string
  name?: string
  type?: string
}

/**
 * A multipart body as the RingCentral guides build one in Node: the `form-data`
 * package (the SDK sends through node-fetch 2, which streams it), a `json` part with
 * the envelope, then one `attachment` part per file. The JSON part has a file name
 * (`request.json`, as the fax guide does) unless `jsonFileName` is null (as the MMS
 * guide does).
 */
export function multipart(
  envelope: unknown,
  parts: Part[],
  jsonFileName: string | null = 'request.json',
): FormData {
  const form = new FormData()
  form.append('json', Buffer.from(JSON.stringify(envelope)), {
    contentType: 'application/json',
    ...(jsonFileName ? { filename: jsonFileName } : {}),
  })
  for (const p of parts) {
    form.append('attachment', typeof p.bytes === 'string' ? Buffer.from(p.bytes) : p.bytes, {
      ...(p.name ? { filename: p.name } : {}),
      ...(p.type ? { contentType: p.type } : {}),
    })
  }
  return form
}

/** A multipart/mixed body by hand (the SDKs build only form-data): the JSON part, then the files. */
export function mixed(envelope: unknown, parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `Boundary_${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = [
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(envelope)}\r\n`),
  ]
  for (const p of parts) {
    let head = `--${boundary}\r\n`
    if (p.name) head += `Content-Disposition: attachment; filename="${p.name}"\r\n`
    if (p.type) head += `Content-Type: ${p.type}\r\n`
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(p.bytes), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/mixed; boundary=${boundary}` }
}

/** POSTs a raw body with its content type through the SDK. */
export async function postRaw(platform: Platform, path: string, raw: { body: Buffer; contentType: string }) {
  return platform.post(`${EXT}${path}`, raw.body, undefined, { headers: { 'Content-Type': raw.contentType } })
}
