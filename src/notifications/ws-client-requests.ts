import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError } from '../domain/errors.js'
import type { OAuthService } from '../services/oauth/oauth.js'
import type { SubscriptionService } from './subscriptions.js'
import type { WsSession } from './ws-session.js'
import type { WsSubscribers } from './ws-subscribers.js'

const SUBSCRIPTION_PATH = /^\/restapi\/v1\.0\/subscription\/?$/
const SUBSCRIPTION_ID_PATH = /^\/restapi\/v1\.0\/subscription\/([^/?]+)\/?$/

/**
 * Marks the REST calls the gateway makes on a ClientRequest's behalf: the fault rules were
 * applied to the frame already, so the HTTP hook must not apply them a second time. A
 * value of this process only, so no outside request can carry it.
 */
export const GATEWAY_REQUEST_HEADER = 'x-msgstore-gateway-token'
export const GATEWAY_REQUEST_MARK = randomBytes(18).toString('base64url')

/**
 * ClientRequest frames (gateway.ts): creating, refreshing and deleting the session's own
 * subscription are answered here, with the session as the subscription's owner; any other
 * REST call is answered by the HTTP route itself, through Fastify's `inject`, so the same
 * handlers, authentication and errors apply.
 */
export class ClientRequests {
  constructor(
    private readonly app: FastifyInstance,
    private readonly oauth: OAuthService,
    private readonly subscriptions: SubscriptionService,
    private readonly subscribers: WsSubscribers,
  ) {}

  /** The answer to a ClientRequest frame: its status, headers and body. */
  async answer(
    session: WsSession,
    meta: Record<string, unknown>,
    body: unknown,
  ): Promise<{ status: number; headers: Record<string, string>; answer: unknown }> {
    const method = String(meta.method ?? 'GET').toUpperCase()
    const path = String(meta.path ?? '')
    const pathOnly = path.split('?')[0]!
    const caller = { principal: session.principal, wsSession: session.id }
    try {
      if (SUBSCRIPTION_PATH.test(pathOnly) && method === 'POST') {
        const principal = await this.oauth.principal(session.accessToken)
        caller.principal = principal
        const info = await this.subscriptions.create({ ...caller, principal }, body)
        this.subscribers.set(session, info)
        return {
          status: 200,
          headers: { 'Content-Type': 'application/json', 'WSG-SubscriptionId': String(info.id) },
          answer: info,
        }
      }
      const byId = SUBSCRIPTION_ID_PATH.exec(pathOnly)
      if (
        byId &&
        session.subscription?.id === decodeURIComponent(byId[1]!) &&
        (method === 'PUT' || method === 'DELETE')
      ) {
        if (method === 'PUT') {
          const info = await this.subscriptions.update(caller, session.subscription.id, body ?? {})
          this.subscribers.set(session, info)
          return { status: 200, headers: { 'Content-Type': 'application/json' }, answer: info }
        }
        await this.subscriptions.remove(caller, session.subscription.id)
        this.subscribers.set(session, undefined)
        return { status: 204, headers: {}, answer: null }
      }
    } catch (err) {
      if (err instanceof ApiError)
        return { status: err.status, headers: { 'Content-Type': 'application/json' }, answer: err.body() }
      throw err
    }
    // Any other REST call: answered by the HTTP route itself.
    const query =
      meta.query && typeof meta.query === 'object' ? (meta.query as Record<string, string>) : undefined
    const extra =
      meta.headers && typeof meta.headers === 'object' ? (meta.headers as Record<string, string>) : {}
    const res = await this.app.inject({
      method: method as 'GET',
      url: path,
      query,
      headers: {
        ...Object.fromEntries(
          Object.entries(extra).filter(([k]) => !/^(authorization|host|content-length)$/i.test(k)),
        ),
        authorization: `Bearer ${session.accessToken}`,
        [GATEWAY_REQUEST_HEADER]: GATEWAY_REQUEST_MARK,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    })
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v)
    let answer: unknown = res.body
    if (/json/.test(String(res.headers['content-type'] ?? ''))) {
      try {
        answer = res.body ? JSON.parse(res.body) : null
      } catch {}
    }
    return { status: res.statusCode, headers, answer }
  }
}
