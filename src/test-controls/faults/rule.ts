import { type ApiError, errors } from '../../domain/errors.js'

/** A fault rule as the admin API takes it (docs/test-controls.md). */
export interface FaultRule {
  method?: string
  path: string
  status?: number
  errorCode?: string
  message?: string
  retryAfter?: number
  delayMs?: number
  drop?: boolean
  times?: number
  probability?: number
  seed?: number
}

const FIELDS = new Set([
  'method',
  'path',
  'status',
  'errorCode',
  'message',
  'retryAfter',
  'delayMs',
  'drop',
  'times',
  'probability',
  'seed',
])

/** A request body checked field by field; a bad field is a 400 that names it. */
export function parseFaultRule(body: unknown): FaultRule {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw errors.invalidParameter('path', 'The body is a JSON object with at least "path".')
  const b = body as Record<string, unknown>
  for (const key of Object.keys(b)) if (!FIELDS.has(key)) throw errors.invalidParameter(key, 'Unknown field.')
  const rule: FaultRule = { path: '' }
  if (typeof b.path !== 'string' || !b.path.startsWith('/'))
    throw errors.invalidParameter('path', 'Expected a path starting with /.')
  rule.path = b.path
  if (b.method !== undefined) {
    if (typeof b.method !== 'string' || !/^[A-Za-z]+$/.test(b.method))
      throw errors.invalidParameter('method', 'Expected an HTTP method.')
    rule.method = b.method.toUpperCase()
  }
  if (b.status !== undefined) rule.status = integer(b, 'status', 200, 599)
  for (const name of ['errorCode', 'message'] as const) {
    if (b[name] === undefined) continue
    if (typeof b[name] !== 'string' || b[name] === '')
      throw errors.invalidParameter(name, 'Expected a string.')
    rule[name] = b[name] as string
  }
  if (b.retryAfter !== undefined) rule.retryAfter = integer(b, 'retryAfter', 0, 86400)
  if (b.delayMs !== undefined) rule.delayMs = integer(b, 'delayMs', 0, 600_000)
  if (b.drop !== undefined) {
    if (typeof b.drop !== 'boolean') throw errors.invalidParameter('drop', 'Expected true or false.')
    rule.drop = b.drop
  }
  if (b.times !== undefined) rule.times = integer(b, 'times', 1, Number.MAX_SAFE_INTEGER)
  if (b.probability !== undefined) {
    if (typeof b.probability !== 'number' || !(b.probability >= 0 && b.probability <= 1))
      throw errors.invalidParameter('probability', 'Expected a number from 0 to 1.')
    rule.probability = b.probability
  }
  if (b.seed !== undefined) rule.seed = integer(b, 'seed', -(2 ** 31), 2 ** 32 - 1)
  if (
    (rule.errorCode !== undefined || rule.message !== undefined || rule.retryAfter !== undefined) &&
    rule.status === undefined
  )
    throw errors.invalidParameter('status', 'errorCode, message and retryAfter go with a status.')
  return rule
}

function integer(b: Record<string, unknown>, name: string, min: number, max: number): number {
  const v = b[name]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw errors.invalidParameter(name, `Expected an integer from ${min} to ${max}.`)
  return v
}

/** The RingCentral code and wording a status answers with when the rule names none. */
const DEFAULTS: Record<number, [string, string]> = {
  400: ['CMN-101', 'Parameter value is invalid'],
  401: ['OAU-149', 'Invalid access token'],
  403: ['CMN-401', 'Insufficient permissions'],
  404: ['CMN-102', 'Resource is not found'],
  429: ['CMN-301', 'Request rate exceeded'],
  500: ['CMN-203', 'Internal Server Error'],
  502: ['CMN-201', 'Service Temporary Unavailable'],
  503: ['CMN-201', 'Service Temporary Unavailable'],
  504: ['CMN-201', 'Service Temporary Unavailable'],
}

/** The error a rule with a status answers: RingCentral's body, and Retry-After when set. */
export function faultError(rule: FaultRule): ApiError {
  const status = rule.status!
  const [code, message] = DEFAULTS[status] ?? (status >= 500 ? DEFAULTS[503]! : DEFAULTS[400]!)
  return errors.injectedFault(
    status,
    rule.errorCode ?? code,
    rule.message ?? message,
    rule.retryAfter === undefined ? undefined : { 'retry-after': String(rule.retryAfter) },
  )
}

/**
 * The n-th draw (n from 1) of a rule's seeded sequence, in [0, 1): a hash of the seed and
 * n, so that whichever node answers the n-th matching request draws the same number.
 */
export function seededDraw(seed: number, n: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(n | 0, 0x85ebca6b)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  h ^= h >>> 16
  return (h >>> 0) / 2 ** 32
}
