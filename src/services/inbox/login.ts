import { createHmac } from 'node:crypto'
import { randomToken, sameSecret } from '../../lib/secrets.js'

/** The cookie that carries an inbox browser's login; it opens the admin API like the admin token. */
export const INBOX_COOKIE = 'msgstore_inbox'
const COOKIE_MAX_AGE_S = 365 * 24 * 3600

/**
 * Logins of the web inbox. The ready output prints a URL with a one-time code; opening it
 * (or typing the admin token on the page) sets a cookie. The cookie's value is derived
 * from the admin token, so it stays valid across restarts and on every node that shares
 * the token, and changing the token logs every browser out.
 */
export class InboxLogin {
  private readonly codes = new Set<string>()
  private readonly session: string

  constructor(private readonly adminToken: string) {
    this.session = createHmac('sha256', adminToken).update('msgstore web inbox session').digest('base64url')
  }

  /** A fresh one-time code; it opens the inbox once. */
  issueCode(): string {
    const code = randomToken(18)
    this.codes.add(code)
    return code
  }

  /** Spends a one-time code: true the first time it is shown, false ever after. */
  redeem(code: string): boolean {
    return this.codes.delete(code)
  }

  tokenMatches(token: string): boolean {
    return sameSecret(token, this.adminToken)
  }

  /** The Set-Cookie header value of a logged-in browser. */
  cookie(secure: boolean): string {
    return `${INBOX_COOKIE}=${this.session}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
  }

  /** Whether a request's Cookie header carries the inbox cookie. */
  hasSession(header: string | undefined): boolean {
    if (!header) return false
    for (const part of header.split(';')) {
      const eq = part.indexOf('=')
      if (eq < 0 || part.slice(0, eq).trim() !== INBOX_COOKIE) continue
      if (sameSecret(part.slice(eq + 1).trim(), this.session)) return true
    }
    return false
  }
}
