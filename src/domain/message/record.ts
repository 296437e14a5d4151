import { conversationPath, messagePath } from '../uris.js'
import type { Message } from './model.js'

/**
 * The message record of the API (`GetMessageInfoResponse`), rendered once when the
 * message changes and stored beside it, so that a list request copies bytes instead
 * of building and serialising objects.
 *
 * Every `uri` starts with the server's public URL, which may differ between runs
 * (`--public-url`, `--port 0`). The stored record therefore holds the byte 0x01
 * where the base URL goes. JSON.stringify escapes every control character, so a raw
 * 0x01 can come from nothing else, and `withBaseUrl` replaces it when serving.
 */
export const BASE_MARK = '\x01'
const BASE_BYTE = 0x01

const q = JSON.stringify

export function renderRecord(m: Message): Buffer {
  return Buffer.from(renderRecordText(m), 'utf8')
}

/** The record as text, for callers that place the bytes themselves (the seed's batches). */
export function renderRecordText(m: Message): string {
  const mailbox = `${BASE_MARK}${messagePath(m, m.id)}`
  let out = `{"uri":"${mailbox}","id":${m.id},"to":${q(m.to)}`
  if (m.from) out += `,"from":${q(m.from)}`
  out += `,"type":"${m.type}","creationTime":"${new Date(m.creationTime).toISOString()}"`
  out += `,"readStatus":"${m.readStatus}","priority":"${m.priority}","attachments":[`
  m.attachments.forEach((a, i) => {
    if (i > 0) out += ','
    out += `{"id":${a.id},"uri":"${mailbox}/content/${a.id}","type":"${a.type}","contentType":${q(a.contentType)}`
    if (a.fileName !== undefined) out += `,"fileName":${q(a.fileName)}`
    out += `,"size":${a.size}`
    if (a.vmDuration !== undefined) out += `,"vmDuration":${a.vmDuration}`
    if (a.width !== undefined) out += `,"width":${a.width}`
    if (a.height !== undefined) out += `,"height":${a.height}`
    out += '}'
  })
  out += `],"direction":"${m.direction}","availability":"${m.availability}"`
  if (m.subject !== undefined) out += `,"subject":${q(m.subject)}`
  out += `,"messageStatus":"${m.messageStatus}"`
  for (const [key, value] of Object.entries(m.extra)) {
    if (value !== undefined) out += `,${q(key)}:${q(value)}`
  }
  if (m.conversationId !== undefined) {
    out += `,"conversationId":${m.conversationId},"conversation":{"id":"${m.conversationId}","uri":"${BASE_MARK}${conversationPath(m.conversationId)}"}`
  }
  out += `,"lastModifiedTime":"${new Date(m.lastModifiedTime).toISOString()}"}`
  return out
}

/** Appends `record` to `parts` with every base mark replaced by `base`; returns the bytes added. */
export function pushWithBaseUrl(parts: Buffer[], record: Buffer, base: Buffer): number {
  let added = 0
  let start = 0
  for (let at = record.indexOf(BASE_BYTE, start); at !== -1; at = record.indexOf(BASE_BYTE, start)) {
    parts.push(record.subarray(start, at), base)
    added += at - start + base.length
    start = at + 1
  }
  parts.push(start === 0 ? record : record.subarray(start))
  return added + record.length - start
}

export function withBaseUrl(record: Buffer, base: Buffer): Buffer {
  const parts: Buffer[] = []
  const length = pushWithBaseUrl(parts, record, base)
  return Buffer.concat(parts, length)
}
