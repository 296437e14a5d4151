import net from 'node:net'

/** A response read off a raw socket: status, headers (lower-case names) and body text. */
export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
  /** The parsed body when it is JSON, else undefined. */
  json: any
  /** Every byte the server sent, interim responses (100 Continue) included. */
  raw: string
}

/**
 * Sends `request` as bytes over a plain TCP connection and reads one response: for the
 * malformed requests an HTTP client refuses to send. Ends when the response is whole
 * (by Content-Length) or the server closes the connection.
 */
export function rawRequest(
  baseUrl: string,
  request: Buffer | string,
  opts: { afterContinue?: Buffer | string; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname)
    let received = Buffer.alloc(0)
    let continued = false
    let done = false
    const timer = setTimeout(() => finish(new Error('no whole response in time')), opts.timeoutMs ?? 30000)
    const finish = (err?: Error) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      if (err) return reject(new Error(`${err.message}; received: ${received.toString('latin1')}`))
      try {
        resolve(parse(received.toString('utf8')))
      } catch (e) {
        reject(e)
      }
    }
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk])
      const text = received.toString('latin1')
      if (opts.afterContinue !== undefined && !continued && /^HTTP\/1\.1 100 [^\r]*\r\n\r\n/.test(text)) {
        continued = true
        socket.write(opts.afterContinue)
      }
      if (isWhole(text)) finish()
    })
    socket.on('error', (err) => {
      // A server that answers and then resets the connection has still answered.
      if (received.length > 0) finish()
      else finish(err)
    })
    socket.on('close', () => finish(received.length ? undefined : new Error('closed without an answer')))
  })
}

/** The final response (after any 1xx) with its body complete by Content-Length. */
function isWhole(text: string): boolean {
  const final = text.replace(/^(HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '')
  const end = final.indexOf('\r\n\r\n')
  if (end < 0) return false
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(final.slice(0, end + 2))
  if (!length) return false
  return Buffer.byteLength(final.slice(end + 4), 'latin1') >= Number(length[1])
}

function parse(raw: string): RawResponse {
  const final = raw.replace(/^(HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '')
  const end = final.indexOf('\r\n\r\n')
  if (end < 0) throw new Error(`no response head in: ${JSON.stringify(raw)}`)
  const [statusLine, ...lines] = final.slice(0, end).split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const body = final.slice(end + 4)
  let json: any
  if (/json/.test(headers['content-type'] ?? '') && body) json = JSON.parse(body)
  return { status, headers, body, json, raw }
}
