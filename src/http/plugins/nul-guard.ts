import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError, errors, oauthErrors } from '../../domain/errors.js'
import type { BodyPart } from '../multipart-reader.js'
import { isEnvelopePart, isFieldPart, SendBody } from '../routes/restapi/messaging/send-body.js'
import { MultipartMixedBody } from './bulk-bodies.js'

/**
 * U+0000 has one rule on both databases, applied here, where every request's values
 * have been parsed and no handler has run yet. PostgreSQL cannot hold the character in
 * text (SQLite can), so without this rule the same request would be stored on one
 * database and fail with a 500 on the other.
 *
 * - In a lookup key (a path parameter, the OAuth client id, username or extension) it
 *   can name nothing stored, so the answer is the one for any unknown key: 404
 *   `CMN-102`, or the OAuth `invalid_client` / `invalid_grant`.
 * - Anywhere else (query parameters, JSON and form bodies, the parts of multipart
 *   bodies, their file names) it is refused: 400 `CMN-101` naming the field.
 *
 * Refusing, rather than keeping the character, is the choice: nothing RingCentral sends
 * or accepts carries it, and a lossless encoding would have to be undone by every query
 * that compares or searches text.
 *
 * The one body read later, in its handler, is the streamed multipart body of the admin
 * inbound route; it calls `refuseNul` on what it reads.
 */
export function registerNulGuard(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request and never waits.
  app.addHook('preHandler', (request, _reply, done) => {
    try {
      checkRequest(request)
      done()
    } catch (err) {
      done(err as Error)
    }
  })
}

function checkRequest(request: FastifyRequest): void {
  const params = request.params as Record<string, unknown> | undefined
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' && value.includes(NUL)) throw errors.notFound(name)
  }
  if (isOAuthRoute(request)) {
    checkOAuthRequest(request)
    return
  }
  refuseNul(request.query, '')
  const body = request.body
  if (body instanceof SendBody) {
    for (const [i, part] of body.parts.entries())
      checkPart(part, i, isEnvelopePart(part, i) || isFieldPart(part))
  } else if (body instanceof MultipartMixedBody) {
    for (const [i, part] of body.parts.entries()) checkPart({ name: '', ...part }, i, true)
  } else if (!Buffer.isBuffer(body)) {
    refuseNul(body, '')
  }
}

const NUL = '\u0000'

/** Throws 400 `CMN-101` naming the first field of `value` (a parsed body or query) whose text holds U+0000. */
export function refuseNul(value: unknown, path: string): void {
  const found = findNul(value, path)
  if (found !== undefined) throw nulRefused(found || 'body')
}

export function nulRefused(name: string): ApiError {
  return errors.nulCharacter(name)
}

function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      const name = path ? `${path}.${key}` : key
      if (key.includes(NUL)) return name
      const found = findNul(item, name)
      if (found !== undefined) return found
    }
  }
  return undefined
}

/**
 * A multipart part: its names, and its content when the route reads it as text (the
 * envelope and envelope fields of a send body, every JSON item of a bulk body); a
 * file's bytes are its own.
 */
function checkPart(part: BodyPart, i: number, isText: boolean): void {
  if (part.name.includes(NUL)) throw nulRefused(`parts[${i}].name`)
  if (part.fileName?.includes(NUL)) throw nulRefused(`attachments[${i}].fileName`)
  if (!isText) return
  const text = part.body.toString('utf8')
  if (!text.includes(NUL) && !/\\u0000/i.test(text)) return
  try {
    refuseNul(JSON.parse(text), '')
  } catch (err) {
    if (err instanceof ApiError) throw err
    // Not JSON: a plain form field, or a JSON part its handler will refuse as such.
    if (text.includes(NUL)) throw nulRefused(part.name || `parts[${i}]`)
  }
}

function isOAuthRoute(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith('/restapi/oauth/') ?? false
}

/** The token form's lookup keys: the client, and the user the password grant names. */
function checkOAuthRequest(request: FastifyRequest): void {
  const fields = { ...(request.query as object), ...(request.body as object) } as Record<string, unknown>
  const has = (name: string) => {
    const value = fields[name]
    return (Array.isArray(value) ? value : [value]).some((v) => typeof v === 'string' && v.includes(NUL))
  }
  if (has('client_id') || basicClientHasNul(request.headers.authorization)) throw oauthErrors.invalidClient()
  if (has('username') || has('extension') || has('password')) throw oauthErrors.badCredentials()
}

function basicClientHasNul(authorization: string | undefined): boolean {
  const m = /^basic\s+(\S+)$/i.exec(authorization?.trim() ?? '')
  if (!m) return false
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  return decoded.includes(NUL) || /%00/.test(decoded)
}
