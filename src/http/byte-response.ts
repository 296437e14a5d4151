import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../domain/errors.js'

export interface ByteRange {
  start: number
  end: number
}

/** Stored bytes as a download serves them: a strong validator, a length, and a way to read them. */
export interface ByteSource {
  /** A strong ETag, quoted. */
  etag: string
  size: number
  /** The media type as stored; one that could not be a header value is served as octet-stream. */
  contentType: string
  open(range?: ByteRange): Promise<Readable>
}

export interface ByteResponseOptions {
  /** The whole `Content-Disposition` value, if any (see `contentDisposition`). */
  disposition?: string
  cacheControl?: string
}

/**
 * Every download (attachment content, export archive, the web inbox's media) answers the
 * same way: `ETag` with `If-None-Match` (304), one byte range with `If-Range` (206, or 416
 * CMN-107), `Accept-Ranges`, and HEAD with the headers only. The bytes are streamed, never
 * held whole.
 */
export async function sendBytes(
  request: FastifyRequest,
  reply: FastifyReply,
  source: ByteSource,
  options: ByteResponseOptions = {},
): Promise<FastifyReply> {
  reply
    .header('etag', source.etag)
    .header('accept-ranges', 'bytes')
    .header('cache-control', options.cacheControl ?? 'private')
  if (matchesAny(request.headers['if-none-match'], source.etag)) return reply.status(304).send()

  const ifRange = request.headers['if-range']
  const range =
    ifRange === undefined || ifRange === source.etag
      ? parseRange(request.headers.range, source.size)
      : undefined
  if (range === 'unsatisfiable') throw errors.rangeNotSatisfiable(source.size)

  if (options.disposition) reply.header('content-disposition', options.disposition)
  reply.type(safeMediaType(source.contentType))
  const head = request.method === 'HEAD'
  if (range) {
    reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${source.size}`)
      .header('content-length', range.end - range.start + 1)
    return reply.send(head ? Readable.from([]) : await source.open(range))
  }
  reply.header('content-length', source.size)
  return reply.send(head ? Readable.from([]) : await source.open())
}

/** `inline; filename="a.pdf"; filename*=UTF-8''a.pdf` (RFC 6266), safe for any name. */
export function contentDisposition(kind: string, filename: string | undefined): string {
  let value = kind.toLowerCase()
  if (filename) {
    const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
    const encoded = encodeURIComponent(filename).replace(
      /['()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )
    value += `; filename="${fallback}"; filename*=UTF-8''${encoded}`
  }
  return value
}

/** The stored media type, unless it could not be a header value. */
export function safeMediaType(type: string): string {
  return /^[\x21-\x7e][\x20-\x7e]*$/.test(type) ? type : 'application/octet-stream'
}

/** Whether an `If-None-Match` list names `etag` (weak comparison, as RFC 9110 asks for it). */
function matchesAny(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t.replace(/^W\//, '') === etag
  })
}

/**
 * One byte range of `Range: bytes=…` within `size` bytes. Undefined (serve it all) when
 * there is no usable header: absent, another unit, several ranges, or malformed.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m) return undefined
  const [, first, last] = m as unknown as [string, string, string]
  if (first === '' && last === '') return undefined
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) }
}
