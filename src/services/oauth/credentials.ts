import { jwtVerify, SignJWT } from 'jose'
import type { Kysely } from 'kysely'
import type { Clock } from '../../domain/clock.js'
import { errors, oauthErrors } from '../../domain/errors.js'
import { toE164 } from '../../lib/phone.js'
import { randomToken, verifyPassword } from '../../lib/secrets.js'
import type { DB } from '../../storage/schema.js'
import { requireAccount } from '../mailbox-access.js'
import type { TokenRequest } from './oauth.js'

const JWT_ISSUER = 'msgstore'
const JWT_AUDIENCE = 'msgstore:oauth'

/**
 * Who a token request's credentials name: a user extension found by its number and
 * password, or by a JWT this store signed. Refused as RingCentral refuses them (bad
 * credentials, an unknown extension, one that is not enabled).
 */
export class Credentials {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly jwtSecret: Uint8Array,
  ) {}

  async issueJwt(accountId: string, extensionId: string): Promise<string> {
    await requireAccount(this.db, accountId)
    const ext = await this.db
      .selectFrom('extensions')
      .select('id')
      .where('id', '=', extensionId)
      .where('account_id', '=', accountId)
      .where('type', '=', 'User')
      .executeTakeFirst()
    if (!ext) throw errors.notFound('extensionId')
    return new SignJWT({ account_id: accountId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setSubject(extensionId)
      .setIssuedAt(Math.floor(this.clock.now() / 1000))
      .setJti(randomToken(12))
      .sign(this.jwtSecret)
  }

  /** The password grant's user: `number*ext` (or the number and `extension`) and the password. */
  async password(body: TokenRequest) {
    const { username, password } = body
    if (!username) throw oauthErrors.invalidRequest('Parameter [username] is required')
    if (!password) throw oauthErrors.invalidRequest('Parameter [password] is required')
    // "number*ext", or the number with a separate `extension` field as the older SDK sends it.
    const star = username.indexOf('*')
    const numberText = star >= 0 ? username.slice(0, star) : username
    const extensionNumber = star >= 0 ? username.slice(star + 1) : body.extension || undefined
    const number = toE164(numberText)
    if (!number) throw oauthErrors.badCredentials()
    const account = await this.accountOfNumber(number)
    if (!account) throw oauthErrors.badCredentials()
    const ext = extensionNumber
      ? await this.db
          .selectFrom('extensions')
          .selectAll()
          .where('account_id', '=', account.accountId)
          .where('extension_number', '=', extensionNumber)
          .executeTakeFirst()
      : account.extensionId
        ? await this.db
            .selectFrom('extensions')
            .selectAll()
            .where('account_id', '=', account.accountId)
            .where('id', '=', account.extensionId)
            .executeTakeFirst()
        : undefined
    if (!ext || ext.type !== 'User') throw oauthErrors.extensionNotFound()
    if (!ext.password_hash || !(await verifyPassword(password, ext.password_hash)))
      throw oauthErrors.badCredentials()
    if (ext.status !== 'Enabled') throw oauthErrors.extensionState()
    return { id: ext.id, accountId: ext.account_id, role: ext.role, status: ext.status }
  }

  /** The account a number belongs to, and the extension when it is a direct number. */
  private async accountOfNumber(
    number: string,
  ): Promise<{ accountId: string; extensionId?: string } | undefined> {
    const direct = await this.db
      .selectFrom('phone_numbers')
      .select(['account_id', 'extension_id'])
      .where('phone_number', '=', number)
      .executeTakeFirst()
    if (direct) return { accountId: direct.account_id, extensionId: direct.extension_id }
    const main = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('main_number', '=', number)
      .executeTakeFirst()
    return main ? { accountId: main.id } : undefined
  }

  /** The JWT bearer grant's user, from an assertion this store issued (issueJwt). */
  async jwt(assertion: string | undefined) {
    if (!assertion) throw oauthErrors.invalidRequest('Parameter [assertion] is required')
    let claims: { sub?: string; account_id?: unknown }
    try {
      const verified = await jwtVerify(assertion, this.jwtSecret, {
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(this.clock.now()),
      })
      claims = verified.payload
    } catch (err) {
      throw oauthErrors.badJwt(err instanceof Error ? err.message : 'unreadable')
    }
    const accountId = typeof claims.account_id === 'string' ? claims.account_id : ''
    const ext = await this.db
      .selectFrom('extensions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', claims.sub ?? '')
      .executeTakeFirst()
    if (!ext || ext.type !== 'User') throw oauthErrors.extensionNotFound()
    if (ext.status !== 'Enabled') throw oauthErrors.extensionState()
    return { id: ext.id, accountId: ext.account_id, role: ext.role, status: ext.status }
  }
}
