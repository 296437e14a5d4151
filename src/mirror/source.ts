import { SDK } from '@ringcentral/sdk'
import { delay, RatePacer } from './rate-pacer.js'

export interface SourceOptions {
  server: string
  clientId: string
  clientSecret: string
  jwt: string
  /** Requests in flight at once leave this many of a group's window unspent before pacing starts. */
  reserve: number
  /** Attempts at one request that fails transiently (503, dropped connection) before giving up. */
  attempts?: number
  /** Told about every retry, for the log and the progress line. */
  onRetry?: (what: string, reason: string, waitMs: number) => void
}

/** A refused request: the status, the error code of RingCentral's body and its message. */
export class SourceError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message)
  }
}

/** Statuses worth trying again: the source, or something in front of it, is briefly unwell. */
const TRANSIENT = new Set([500, 502, 503, 504])
const FIRST_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 30_000

let instances = 0

/**
 * The source server, through the official `@ringcentral/sdk` logged in with the JWT
 * grant. Every request is paced by its throttling group (rate-pacer.ts), waits
 * `Retry-After` on a 429 and tries again, and backs off exponentially (with jitter) on a
 * transient failure: 500/502/503/504 or a connection that dropped without an answer. An
 * answer 401 (the session ended and the SDK's refresh failed) logs in again once.
 */
export class SourceClient {
  readonly sdk: SDK
  readonly pacer: RatePacer
  private readonly attempts: number

  constructor(private readonly options: SourceOptions) {
    instances += 1
    // The SDK keeps tokens in a process-wide store keyed by this prefix.
    this.sdk = new SDK({
      server: options.server,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      cachePrefix: `msgstore-mirror-${process.pid}-${instances}-`,
    })
    this.pacer = new RatePacer(options.reserve)
    this.attempts = options.attempts ?? 10
  }

  get platform() {
    return this.sdk.platform()
  }

  async login(): Promise<void> {
    await this.withRetries('login', 'auth', async () => {
      await this.platform.login({ jwt: this.options.jwt })
    })
  }

  /** The current access token (the WebSocket gateway asks for its own token with it). */
  async accessToken(): Promise<string> {
    const data = await this.platform.auth().data()
    return String(data.access_token ?? '')
  }

  /** GET `path` and its JSON body. `kind` names the request for pacing (one kind, one group). */
  async getJson<T>(kind: string, path: string, query?: Record<string, unknown>): Promise<T> {
    return this.withRetries(path, kind, async () => {
      const res = await this.platform.get(path, query)
      return (await res.json()) as T
    })
  }

  /** GET `uri` (an attachment's content) and hand its answer to `read`, retried whole on a transient failure. */
  async download<T>(kind: string, uri: string, read: (res: Response) => Promise<T>): Promise<T> {
    return this.withRetries(uri, kind, async () => read(await this.platform.get(uri)))
  }

  private async withRetries<T>(what: string, kind: string, call: () => Promise<T>): Promise<T> {
    let failures = 0
    let loggedInAgain = false
    for (;;) {
      await this.pacer.before(kind)
      let response: Response | undefined
      try {
        const value = await call()
        return value
      } catch (e) {
        response = (e as { response?: Response }).response
        if (response) {
          this.pacer.after(kind, response.status, response.headers)
          if (response.status === 429) {
            const wait = response.headers.get('x-rate-limit-group')
              ? 0
              : this.pacer.penalize(kind, response.headers)
            this.options.onRetry?.(what, '429', wait)
            continue
          }
          if (response.status === 401 && !loggedInAgain && kind !== 'auth') {
            loggedInAgain = true
            await this.login()
            continue
          }
          if (!TRANSIENT.has(response.status)) throw await refusal(response, e)
        } else if (!isNetworkFailure(e)) {
          throw e
        }
        failures += 1
        if (failures >= this.attempts) {
          throw response ? await refusal(response, e) : e
        }
        const wait = backoff(failures)
        this.options.onRetry?.(what, response ? String(response.status) : errorText(e), wait)
        await delay(wait)
      }
    }
  }
}

/** Full jitter: a random wait up to an exponentially growing cap. */
export function backoff(failures: number): number {
  const cap = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failures - 1))
  return Math.round(cap / 2 + Math.random() * (cap / 2))
}

async function refusal(response: Response, cause: unknown): Promise<SourceError> {
  let body: { errorCode?: string; message?: string; error_description?: string } = {}
  try {
    body = (await response.clone().json()) as typeof body
  } catch {
    // Not JSON: the status says enough.
  }
  const message = body.message ?? body.error_description ?? errorText(cause)
  return new SourceError(
    response.status,
    body.errorCode,
    `${response.status} ${body.errorCode ?? ''} ${message}`.trim(),
  )
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: { code?: string } }).cause
    return cause?.code ? `${e.message} (${cause.code})` : e.message
  }
  return String(e)
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
])

/** A connection that failed or dropped without an answer (fetch and node-fetch spell it differently). */
export function isNetworkFailure(e: unknown): boolean {
  for (let cause: unknown = e, depth = 0; cause && depth < 4; depth += 1) {
    const c = cause as { code?: string; type?: string; message?: string; cause?: unknown }
    if (c.code && NETWORK_CODES.has(c.code)) return true
    if (c.type === 'system') return true
    if (/fetch failed|socket hang up|premature close|other side closed|terminated/i.test(c.message ?? ''))
      return true
    cause = c.cause
  }
  return false
}
