import type { LoggerOptions } from 'pino'

/**
 * What keeps secrets out of every log line: pino's redaction of the fields that hold
 * them (headers, form fields, a request's URL), and a scrubber for the query strings
 * and Authorization values that a message or an error's text may quote. A logged URL
 * keeps its path and other parameters, so a log still says which request it was.
 */
const SECRET_NAMES = [
  'access_token',
  'refresh_token',
  'token',
  'password',
  'client_secret',
  'assertion',
  'jwt',
]
/** An OAuth authorization `code` is a secret in a query string; `code` fields elsewhere are error codes. */
const SECRET_PARAMS = [...SECRET_NAMES, 'code']

const SECRET_PARAM = new RegExp(`([?&;](?:${SECRET_PARAMS.join('|')})=)[^&#;\\s"']*`, 'gi')
const CREDENTIALS = /\b(bearer|basic)\s+[\w\-.~+/=]+/gi

export const REDACTED = '[redacted]'

/** A text with the values of secret query parameters and of Authorization credentials masked. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_PARAM, `$1${REDACTED}`).replace(CREDENTIALS, `$1 ${REDACTED}`)
}

const URL_PATHS = ['req.url', 'url', 'err.message', 'msg']

export const logRedaction: Pick<LoggerOptions, 'redact' | 'hooks'> = {
  redact: {
    paths: [
      ...URL_PATHS,
      'req.headers.authorization',
      'req.headers.cookie',
      'headers.authorization',
      ...SECRET_NAMES.flatMap((name) => [name, `*.${name}`]),
    ],
    censor: (value: unknown, path: string[]) =>
      URL_PATHS.includes(path.join('.')) && typeof value === 'string' ? scrubSecrets(value) : REDACTED,
  },
  hooks: {
    // A message string is not a field redaction can reach.
    logMethod(args, method) {
      method.apply(
        this,
        args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>,
      )
    },
  },
}
