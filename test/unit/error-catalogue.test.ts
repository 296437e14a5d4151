import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  type ApiError,
  errors,
  type OAuthError,
  oauthErrors,
  subscriptionErrors,
} from '../../src/domain/errors.js'

/**
 * The error catalogue is pinned: every code msgstore answers with is one RingCentral
 * publishes (shared/reference/guides/basics--errors.md), with one of the statuses the table
 * gives it, unless it is listed below with the reason it differs.
 */

const root = fileURLToPath(new URL('../../', import.meta.url))
const guide = path.join(root, '../shared/reference/guides/basics--errors.md')

/** Codes answered on purpose with a status the table does not give them (code → why). */
const DEVIATIONS: Record<string, string> = {
  'CMN-104 408': 'a request that arrives too slowly: the status says why, the code that it could not be read',
  'CMN-104 413': 'a body over the size limit',
  'CMN-104 415': 'a content type no route reads',
  'CMN-104 417': 'an Expect header other than 100-continue',
  'CMN-104 431': 'headers over the size limit',
  'CMN-109 409': 'the clock admin call on a clock that is not manual: a conflict with the server state',
  'CMN-120 405': 'a known path with a method it does not serve',
  'CMN-201 503': 'unavailable is 503 everywhere else in HTTP; the table lists 500',
  'CMN-408 403': 'the table reads 4003, a typo for 403',
  'MSG-348 400': 'a bad body parameter, answered 400 with its name (see errors.ts)',
  'OAU-101 400': 'RFC 6749 invalid_request on the token endpoint is 400',
  'OAU-112 400': 'RFC 6749 unauthorized_client is 400',
  'OAU-125 400': 'RFC 6749 unsupported_grant_type is 400',
  'OAU-136 400': 'RFC 6749 invalid_grant is 400',
  'OAU-140 400': 'RFC 6749 invalid_grant is 400',
  'OAU-141 400': 'RFC 6749 invalid_grant is 400',
}

/** Codes RingCentral uses that the table does not list (code → where they come from). */
const UNLISTED: Record<string, string> = {
  'AGW-401': 'the API gateway answers it to a request without Authorization (reference/notes.md)',
  'SUB-521': 'subscription API, reference/notes.md',
  'SUB-525': 'webhook handshake, reference/notes.md',
  'OAU-211': 'the refresh-token guide (authentication--refresh-tokens.md); RFC 6749 invalid_grant, 400',
}

/** Entries whose status is the caller's: a 4xx fastify raised, a fault a test control injects. */
const STATUS_FROM_CALLER = new Set(['clientError', 'injectedFault'])

type Factory = (...args: never[]) => ApiError | OAuthError

function catalogue(): { name: string; error: ApiError | OAuthError }[] {
  const all: [string, Record<string, Factory>][] = [
    ['errors', errors as unknown as Record<string, Factory>],
    ['oauthErrors', oauthErrors as unknown as Record<string, Factory>],
    ['subscriptionErrors', subscriptionErrors as unknown as Record<string, Factory>],
  ]
  const out: { name: string; error: ApiError | OAuthError }[] = []
  for (const [group, factories] of all) {
    for (const [name, make] of Object.entries(factories)) {
      if (STATUS_FROM_CALLER.has(name)) continue
      // The first argument is a name, a detail or a limit: 'x' stands for it; later ones
      // (notFound's status among them) keep their defaults.
      const error = (make as (arg: unknown) => ApiError | OAuthError)('x')
      out.push({ name: `${group}.${name}`, error })
    }
  }
  return out
}

/** code → the statuses the guide's tables give it. */
function publishedStatuses(markdown: string): Map<string, Set<number>> {
  const table = new Map<string, Set<number>>()
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*([\d ,.]+?)\s*\|\s*([A-Z]{3}-\d{3})\s*\|/.exec(line)
    if (!m) continue
    const statuses = new Set((m[1]!.match(/\d{3}/g) ?? []).map(Number))
    table.set(m[2]!, statuses)
  }
  return table
}

test('every catalogue code and status is the one RingCentral publishes, or a listed deviation', (t) => {
  if (!existsSync(guide)) return t.skip('../shared/reference/guides/basics--errors.md is absent')
  const published = publishedStatuses(readFileSync(guide, 'utf8'))
  assert.ok(published.size > 50, 'the guide’s tables were read')
  const wrong: string[] = []
  const deviationsUsed = new Set<string>()
  for (const { name, error } of catalogue()) {
    assert.ok(error.status >= 400 && error.status < 600, `${name}: status ${error.status}`)
    const statuses = published.get(error.errorCode)
    if (!statuses) {
      if (!(error.errorCode in UNLISTED)) wrong.push(`${name}: ${error.errorCode} is not in the guide`)
      continue
    }
    if (statuses.has(error.status)) continue
    const key = `${error.errorCode} ${error.status}`
    if (key in DEVIATIONS) deviationsUsed.add(key)
    else wrong.push(`${name}: ${error.errorCode} answers ${error.status}, the guide says ${[...statuses]}`)
  }
  assert.deepEqual(wrong, [])
  // A deviation nobody answers any more is removed from the list, so the list stays true.
  assert.deepEqual(
    Object.keys(DEVIATIONS).filter((k) => !deviationsUsed.has(k)),
    [],
  )
})

test('the catalogue bodies carry RingCentral’s shape', () => {
  for (const { name, error } of catalogue()) {
    const body = error.body() as { errors: { errorCode: string; message: string }[] }
    assert.equal(body.errors[0]!.errorCode, error.errorCode, name)
    assert.ok(body.errors[0]!.message.length > 0, name)
  }
})

test('no module outside domain/errors.ts builds an ApiError of its own', () => {
  const src = path.join(root, 'src')
  const offenders: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry)
      if (statSync(file).isDirectory()) walk(file)
      else if (/\.ts$/.test(entry) && path.relative(src, file) !== path.join('domain', 'errors.ts')) {
        if (readFileSync(file, 'utf8').includes('new ApiError(')) offenders.push(path.relative(root, file))
      }
    }
  }
  walk(src)
  assert.deepEqual(offenders, [])
})
