import type { Insertable, Kysely } from 'kysely'
import type { Clock } from '../../domain/clock.js'
import { errors, oauthErrors } from '../../domain/errors.js'
import type { Principal } from '../../domain/principal.js'
import { randomToken, sameSecret, sha256 } from '../../lib/secrets.js'
import type { DB, OAuthTokensTable } from '../../storage/schema.js'
import { Credentials } from './credentials.js'
import { PrincipalCache } from './principal-cache.js'
import { tokenCaller } from './token-caller.js'

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const ACCESS_TTL = { min: 600, max: 3600, default: 3600 }
const REFRESH_TTL = { min: 600, max: 604800, default: 604800 }

export interface App {
  clientId: string
  grantTypes: string[]
  permissions: string[]
}

export interface TokenInfo {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  refresh_token?: string
  refresh_token_expires_in?: number
  scope: string
  owner_id: string
  endpoint_id: string
  session_id: string
}

export type TokenRequest = Record<string, string | undefined>

/** OAuth 2.0 as RingCentral serves it: password, JWT bearer and refresh grants; revocation. */
export class OAuthService {
  /** Callers of recent requests (see principal-cache.ts for why and how stale); none when nodes share the store. */
  private readonly principals: PrincipalCache | undefined
  private readonly credentials: Credentials

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    jwtSecret: Uint8Array,
    options: { cachePrincipals: boolean },
  ) {
    this.principals = options.cachePrincipals ? new PrincipalCache() : undefined
    this.credentials = new Credentials(db, clock, jwtSecret)
  }

  /** Client authentication: HTTP Basic, or `client_id` in the body for apps without a secret in hand. */
  async authenticateClient(
    authorization: string | undefined,
    bodyClientId: string | undefined,
  ): Promise<App> {
    let clientId = bodyClientId
    let secret: string | undefined
    if (authorization) {
      const m = /^basic\s+(\S+)$/i.exec(authorization.trim())
      if (!m) throw oauthErrors.invalidClient()
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon < 0) throw oauthErrors.invalidClient()
      // Basic credentials are form-encoded (RFC 6749 §2.3.1); a bad escape is bad credentials, not a crash.
      try {
        clientId = decodeURIComponent(decoded.slice(0, colon))
        secret = decodeURIComponent(decoded.slice(colon + 1))
      } catch {
        throw oauthErrors.invalidClient()
      }
      if (bodyClientId !== undefined && bodyClientId !== clientId) throw oauthErrors.invalidClient()
    }
    if (!clientId) throw oauthErrors.invalidClient()
    const app = await this.db
      .selectFrom('apps')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst()
    if (!app) throw oauthErrors.invalidClient()
    if (secret === undefined || !sameSecret(sha256(secret), app.client_secret_hash))
      throw oauthErrors.invalidClient()
    return {
      clientId: app.client_id,
      grantTypes: JSON.parse(app.grant_types),
      permissions: JSON.parse(app.permissions),
    }
  }

  async token(app: App, body: TokenRequest): Promise<TokenInfo> {
    const grant = body.grant_type
    if (!grant) throw oauthErrors.invalidRequest('Parameter [grant_type] is required')
    if (grant !== 'password' && grant !== JWT_GRANT && grant !== 'refresh_token') {
      throw oauthErrors.unsupportedGrantType(grant)
    }
    if (!app.grantTypes.includes(grant)) throw oauthErrors.unauthorizedClient(grant)
    const accessTtl = clampTtl(body.access_token_ttl, ACCESS_TTL)
    const refreshTtl = clampTtl(body.refresh_token_ttl, REFRESH_TTL)
    if (grant === 'refresh_token') return this.refresh(app, body.refresh_token, accessTtl, refreshTtl)
    const extension =
      grant === 'password'
        ? await this.credentials.password(body)
        : await this.credentials.jwt(body.assertion)
    const sessionId = randomToken(18)
    await this.db
      .insertInto('oauth_sessions')
      .values({
        id: sessionId,
        client_id: app.clientId,
        account_id: extension.accountId,
        extension_id: extension.id,
        created_at: this.clock.now(),
        role: extension.role,
        status: extension.status,
      })
      .execute()
    return this.issue(app, sessionId, extension.id, accessTtl, refreshTtl, body.endpoint_id)
  }

  /** Ends the whole session of any of its tokens; an unknown token is not an error (RFC 7009). */
  async revoke(app: App, token: string | undefined): Promise<void> {
    if (!token) throw oauthErrors.invalidRequest('Parameter [token] is required')
    const row = await this.db
      .selectFrom('oauth_tokens')
      .innerJoin('oauth_sessions', 'oauth_sessions.id', 'oauth_tokens.session_id')
      .select(['oauth_sessions.id', 'oauth_sessions.client_id'])
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst()
    if (!row || row.client_id !== app.clientId) return
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('oauth_tokens').where('session_id', '=', row.id).execute()
      await trx.deleteFrom('oauth_sessions').where('id', '=', row.id).execute()
    })
    this.principals?.forgetSession(row.id)
  }

  /** The caller of a REST request, from its bearer token. */
  async principal(token: string): Promise<Principal> {
    const cached = this.principals?.get(token)
    if (cached) {
      if (cached.expiresAt <= this.clock.now()) throw errors.tokenExpired()
      return cached.principal
    }
    const epoch = this.principals?.epoch ?? 0
    const caller = await tokenCaller(this.db, token)
    if (!caller || caller.kind !== 'access' || caller.status !== 'Enabled') throw errors.tokenInvalid()
    const { expiresAt, principal } = caller
    if (expiresAt <= this.clock.now()) throw errors.tokenExpired()
    this.principals?.set(token, principal, expiresAt, epoch)
    return principal
  }

  /** After provisioning, which may change any extension's role or status. */
  forgetPrincipals(): void {
    this.principals?.clear()
  }

  /** A JWT credential for the JWT bearer grant, as the developer console issues one. */
  /** A JWT credential for a user extension, as the developer portal issues one. */
  issueJwt(accountId: string, extensionId: string): Promise<string> {
    return this.credentials.issueJwt(accountId, extensionId)
  }

  private async refresh(app: App, refreshToken: string | undefined, accessTtl: number, refreshTtl: number) {
    if (!refreshToken) throw oauthErrors.invalidRequest('Parameter [refresh_token] is required')
    const now = this.clock.now()
    const issued = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('oauth_tokens as t')
        .innerJoin('oauth_sessions as s', 's.id', 't.session_id')
        .select([
          't.kind',
          't.expires_at',
          't.token_hash',
          's.id',
          's.client_id',
          's.account_id',
          's.extension_id',
        ])
        .where('t.token_hash', '=', sha256(refreshToken))
        .executeTakeFirst()
      if (!row || row.kind !== 'refresh' || row.client_id !== app.clientId || Number(row.expires_at) <= now) {
        throw oauthErrors.badRefreshToken()
      }
      // Read apart from the token, by its account (see principal).
      const ext = await trx
        .selectFrom('extensions')
        .select('status')
        .where('account_id', '=', row.account_id)
        .where('id', '=', row.extension_id)
        .executeTakeFirst()
      if (!ext) throw oauthErrors.badRefreshToken()
      if (ext.status !== 'Enabled') throw oauthErrors.extensionState()
      // Rotation: the old refresh token and every access token of the session end here.
      const deleted = await trx.deleteFrom('oauth_tokens').where('session_id', '=', row.id).executeTakeFirst()
      if (Number(deleted.numDeletedRows) === 0) throw oauthErrors.badRefreshToken()
      return this.issueWith(trx, app, row.id, row.extension_id, accessTtl, refreshTtl, undefined)
    })
    this.principals?.forgetSession(issued.session_id)
    return issued
  }

  private issue(
    app: App,
    sessionId: string,
    extensionId: string,
    accessTtl: number,
    refreshTtl: number,
    endpoint?: string,
  ) {
    return this.issueWith(this.db, app, sessionId, extensionId, accessTtl, refreshTtl, endpoint)
  }

  private async issueWith(
    db: Kysely<DB>,
    app: App,
    sessionId: string,
    extensionId: string,
    accessTtl: number,
    refreshTtl: number,
    endpoint: string | undefined,
  ): Promise<TokenInfo> {
    const now = this.clock.now()
    const access = randomToken()
    const withRefresh = app.grantTypes.includes('refresh_token')
    const refresh = withRefresh ? randomToken() : undefined
    const rows: Insertable<OAuthTokensTable>[] = [
      {
        token_hash: sha256(access),
        kind: 'access',
        session_id: sessionId,
        expires_at: now + accessTtl * 1000,
        ttl: accessTtl,
      },
    ]
    if (refresh) {
      rows.push({
        token_hash: sha256(refresh),
        kind: 'refresh',
        session_id: sessionId,
        expires_at: now + refreshTtl * 1000,
        ttl: refreshTtl,
      })
    }
    await db.insertInto('oauth_tokens').values(rows).execute()
    const info: TokenInfo = {
      access_token: access,
      token_type: 'bearer',
      expires_in: accessTtl,
      scope: app.permissions.join(' '),
      owner_id: extensionId,
      endpoint_id: endpoint ?? randomToken(16),
      session_id: sessionId,
    }
    if (refresh) {
      info.refresh_token = refresh
      info.refresh_token_expires_in = refreshTtl
    }
    return info
  }
}

function clampTtl(text: string | undefined, range: { min: number; max: number; default: number }): number {
  if (text === undefined || text === '') return range.default
  const value = Number.parseInt(text, 10)
  if (!Number.isFinite(value)) return range.default
  return Math.min(range.max, Math.max(range.min, value))
}
