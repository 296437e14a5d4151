import http from 'node:http'
import https from 'node:https'

/**
 * One POST to a webhook receiver with a hard time limit and a cap on how much of the
 * answer is read: a receiver that hangs or answers without end costs one attempt, never
 * a stuck request. Node's own client: it lets the whole exchange be bounded and
 * connections be kept alive across deliveries.
 */

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
}

export interface PostResult {
  /** HTTP status, or undefined when no answer came (timeout, refused, reset). */
  status?: number
  statusText?: string
  headers: http.IncomingHttpHeaders
  /** Bytes of the answer: status line and headers (approximately) and body. */
  size: number
  /** Why there was no usable answer. */
  error?: string
  durationMs: number
}

export function post(
  address: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  maxBytes = 64 * 1024,
): Promise<PostResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    let settled = false
    const done = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...result, durationMs: Math.round(performance.now() - started) })
    }
    let url: URL
    try {
      url = new URL(address)
    } catch {
      done({ headers: {}, size: 0, error: 'invalid address' })
      return
    }
    const agent = agents[url.protocol as keyof typeof agents]
    const lib = url.protocol === 'https:' ? https : http
    const req = lib.request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    })
    const timer = setTimeout(() => {
      req.destroy()
      done({ headers: {}, size: 0, error: `no answer within ${timeoutMs} ms` })
    }, timeoutMs)
    req.on('error', (err) => done({ headers: {}, size: 0, error: err.message }))
    req.on('response', (res) => {
      let size = 16 + (res.statusMessage?.length ?? 0)
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        size += res.rawHeaders[i]!.length + res.rawHeaders[i + 1]!.length + 4
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          req.destroy()
          done({
            status: res.statusCode,
            headers: res.headers,
            size,
            error: `answer larger than ${maxBytes} bytes`,
          })
        }
      })
      res.on('end', () =>
        done({ status: res.statusCode, statusText: res.statusMessage, headers: res.headers, size }),
      )
      res.on('error', (err) => done({ headers: {}, size, error: err.message }))
    })
    req.end(body)
  })
}
