import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { type ApiError, errors } from '../../domain/errors.js'
import { asOAuthError } from './error-handler.js'

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (an unknown method, a raw
 * NUL or non-ASCII byte in the URL, a bad or duplicate Content-Length, Content-Length
 * beside Transfer-Encoding, a broken chunked body, headers over the limit) answer in
 * RingCentral's error shape, like every other error. Fastify's `clientErrorHandler`.
 */
export function answerClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  this.log.debug({ code: err.code }, 'request refused by the HTTP parser')
  if (!socket.writable) {
    socket.destroy(err)
    return
  }
  const apiError = clientErrorFor(err.code)
  const error = namesOAuthEndpoint(err) ? asOAuthError(apiError) : apiError
  const body = JSON.stringify(error.body())
  socket.write(
    `HTTP/1.1 ${error.status} ${http.STATUS_CODES[error.status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  )
  socket.destroy(err)
}

/** Whether the refused bytes were a request to the token or revoke endpoint, which answer in RFC 6749's shape. */
function namesOAuthEndpoint(err: NodeJS.ErrnoException): boolean {
  const raw = (err as { rawPacket?: Buffer }).rawPacket
  return (
    raw !== undefined &&
    /^[A-Z]+ \/restapi\/oauth\/(token|revoke|wstoken)[?/ ]/.test(raw.toString('latin1', 0, 64))
  )
}

function clientErrorFor(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return errors.headersTooLarge()
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.requestTimeout()
    case 'HPE_INVALID_METHOD':
      return errors.unparsableRequest('unknown HTTP method')
    case 'HPE_INVALID_URL':
      return errors.unparsableRequest('the URL holds characters that must be percent-encoded')
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return errors.unparsableRequest('invalid Content-Length header')
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return errors.unparsableRequest('invalid chunked body')
    default:
      return errors.unparsableRequest('malformed HTTP request')
  }
}

/**
 * Node answers 417 to any `Expect` header other than `100-continue` unless the
 * application decides. An empty `Expect:` (PHP's curl sends one with every multipart
 * request, to turn off curl's own `100-continue`) asks for nothing and is served; any
 * other expectation answers 417 in RingCentral's shape.
 */
export function registerExpectations(app: FastifyInstance): void {
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    if ((request.headers.expect ?? '').trim() === '') {
      app.server.emit('request', request, response)
      return
    }
    const error = errors.expectationFailed(request.headers.expect ?? '')
    const body = JSON.stringify(error.body())
    response.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    })
    response.end(body)
  })
}
