import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { PublicUrl } from '../app/services.js'
import type { Clock } from '../domain/clock.js'
import { errors } from '../domain/errors.js'
import type { Principal } from '../domain/principal.js'
import { subscriptionPath } from '../domain/uris.js'
import type { SubscriptionsTable } from '../storage/notifications-schema.js'
import type { DB } from '../storage/schema.js'
import { subscriptionErrors } from './errors.js'
import { type EventFilter, parseFilter, resolveFilter } from './filters.js'
import type { NotificationSettings } from './settings.js'
import { asObject, normaliseTransport, webhookAddress, webhookExpiresIn } from './subscription-request.js'
import { handshake } from './webhook-delivery.js'

/**
 * The app permission every subscription needs, webhook or WebSocket. RingCentral names a
 * separate WebSocket scope, but the provisioning file's permission list (the operator
 * interface, a fixed contract) has only this one, so it governs both transports.
 */
export const SUBSCRIPTION_PERMISSION = 'SubscriptionWebhook'

/** Subscriptions per extension per app (RingCentral's limit). */
export const MAX_SUBSCRIPTIONS = 30
/** A WebSocket subscription lives with its session: the gateway's absolute timeout. */
export const WEBSOCKET_EXPIRES_IN = 86_400

export type SubscriptionRow = Selectable<SubscriptionsTable>

/** Where a request comes from: a WebSocket session may manage its own subscription. */
export interface Caller {
  principal: Principal
  /** The gateway session, when the request arrived as a ClientRequest over a WebSocket. */
  wsSession?: string
}

/**
 * The subscription API: create, read, list, update, renew, delete. Expiry is on the
 * store's clock; an expired subscription answers SUB-507 and delivers nothing.
 */
export class SubscriptionService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly publicUrl: PublicUrl,
    private readonly settings: NotificationSettings,
  ) {}

  async create(caller: Caller, body: unknown): Promise<Record<string, unknown>> {
    const { principal } = caller
    const request = asObject(body)
    const mode = asObject(request.deliveryMode)
    const transport = normaliseTransport(mode.transportType)
    if (transport === 'WebSocket' && !caller.wsSession) throw subscriptionErrors.webSocketOverHttp()
    if (!principal.permissions.has(SUBSCRIPTION_PERMISSION))
      throw errors.permissionRequired(SUBSCRIPTION_PERMISSION)
    const filters = await this.resolveFilters(principal, request.eventFilters)
    const clientId = await this.clientOf(principal)
    const now = this.clock.now()

    let address: string | null = null
    let token: string | null = null
    let expiresIn = WEBSOCKET_EXPIRES_IN
    if (transport === 'WebHook') {
      address = webhookAddress(mode.address)
      const given = mode.verificationToken ?? mode.validationToken
      if (given !== undefined && (typeof given !== 'string' || given.length > 256))
        throw subscriptionErrors.invalidDeliveryMode(
          'verificationToken must be a string of at most 256 characters.',
        )
      token = (given as string | undefined) ?? null
      expiresIn = webhookExpiresIn(request.expiresIn)
    }

    const live = await this.db
      .selectFrom('subscriptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', principal.accountId)
      .where('extension_id', '=', principal.extensionId)
      .where('client_id', '=', clientId)
      .where('expires_at', '>', now)
      // The session's own WebSocket subscription is about to be replaced: it does not count.
      .where('session_id', '!=', caller.wsSession ? `ws:${caller.wsSession}` : '')
      .executeTakeFirstOrThrow()
    if (Number(live.n) >= MAX_SUBSCRIPTIONS) throw subscriptionErrors.tooMany(MAX_SUBSCRIPTIONS)

    if (address) await this.checkHandshake(address)
    const row: SubscriptionRow = {
      id: randomUUID(),
      account_id: principal.accountId,
      extension_id: principal.extensionId,
      client_id: clientId,
      // A WebSocket subscription names its gateway session; a webhook, the OAuth session.
      session_id:
        caller.wsSession && transport === 'WebSocket' ? `ws:${caller.wsSession}` : principal.sessionId,
      transport,
      address,
      verification_token: token,
      event_filters: JSON.stringify(filters.map((f) => f.text)),
      status: 'Active',
      created_at: now,
      expires_at: now + expiresIn * 1000,
      expires_in: expiresIn,
      blacklisted_at: null,
      blacklist_reason: null,
      failing_since: null,
      failures: 0,
      last_delivery_at: null,
      last_delivery_status: null,
      reminded_at: null,
      next_attempt_at: null,
      delivering_until: null,
    }
    await this.db.transaction().execute(async (trx) => {
      // One subscription per WebSocket session: a second create replaces the first.
      if (transport === 'WebSocket')
        await trx.deleteFrom('subscriptions').where('session_id', '=', row.session_id).execute()
      if (transport === 'WebHook') await settleUnwatchedChanges(trx, row.created_at)
      await trx.insertInto('subscriptions').values(row).execute()
    })
    return this.info(row)
  }

  async list(principal: Principal): Promise<Record<string, unknown>> {
    const clientId = await this.clientOf(principal)
    const rows = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('account_id', '=', principal.accountId)
      .where('extension_id', '=', principal.extensionId)
      .where('client_id', '=', clientId)
      .where('expires_at', '>', this.clock.now())
      .orderBy('created_at')
      .execute()
    return {
      uri: `${this.publicUrl.value}${subscriptionPath()}`,
      records: rows.map((r) => this.info(r)),
    }
  }

  async get(caller: Caller, id: string): Promise<Record<string, unknown>> {
    return this.info(await this.owned(caller.principal, id))
  }

  async update(caller: Caller, id: string, body: unknown): Promise<Record<string, unknown>> {
    const row = await this.owned(caller.principal, id)
    if (row.transport === 'WebSocket' && row.session_id !== `ws:${caller.wsSession}`)
      throw subscriptionErrors.webSocketOverHttp()
    const request = body === undefined || body === null || body === '' ? {} : asObject(body)
    const now = this.clock.now()
    const changes: Partial<SubscriptionRow> = {}
    if (request.eventFilters !== undefined) {
      const filters = await this.resolveFilters(caller.principal, request.eventFilters)
      changes.event_filters = JSON.stringify(filters.map((f) => f.text))
    }
    if (row.transport === 'WebHook') {
      if (request.expiresIn !== undefined) changes.expires_in = webhookExpiresIn(request.expiresIn)
      const mode = request.deliveryMode === undefined ? undefined : asObject(request.deliveryMode)
      if (mode?.address !== undefined) {
        const address = webhookAddress(mode.address)
        if (address !== row.address) {
          await this.checkHandshake(address)
          changes.address = address
        }
      }
    }
    changes.expires_at = now + (changes.expires_in ?? row.expires_in) * 1000
    changes.reminded_at = null
    await this.db.updateTable('subscriptions').set(changes).where('id', '=', id).execute()
    return this.info({ ...row, ...changes })
  }

  async renew(caller: Caller, id: string): Promise<Record<string, unknown>> {
    return this.update(caller, id, {})
  }

  async remove(caller: Caller, id: string): Promise<void> {
    const row = await this.owned(caller.principal, id, true)
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_queue').where('subscription_id', '=', row.id).execute()
      await trx.deleteFrom('subscriptions').where('id', '=', row.id).execute()
    })
  }

  /** The SubscriptionInfo of a row, `expiresIn` counted on the store's clock. */
  info(row: SubscriptionRow): Record<string, unknown> {
    const now = this.clock.now()
    const info: Record<string, unknown> = {
      uri: `${this.publicUrl.value}${subscriptionPath(row.id)}`,
      id: row.id,
      creationTime: new Date(Number(row.created_at)).toISOString(),
      status: row.status,
      eventFilters: JSON.parse(row.event_filters),
      expirationTime: new Date(Number(row.expires_at)).toISOString(),
      expiresIn: Math.max(0, Math.round((Number(row.expires_at) - now) / 1000)),
      deliveryMode:
        row.transport === 'WebHook'
          ? { transportType: 'WebHook', address: row.address, encryption: false }
          : { transportType: 'WebSocket', encryption: false },
    }
    if (row.status === 'Blacklisted') {
      info.blacklistedData = {
        blacklistedAt: new Date(Number(row.blacklisted_at)).toISOString(),
        reason: row.blacklist_reason,
      }
    }
    return info
  }

  private async owned(principal: Principal, id: string, allowExpired = false): Promise<SubscriptionRow> {
    if (typeof id !== 'string' || id.length > 64) throw subscriptionErrors.notFound()
    const row = await this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row || row.account_id !== principal.accountId || row.extension_id !== principal.extensionId)
      throw subscriptionErrors.notFound()
    if (row.client_id !== (await this.clientOf(principal))) throw subscriptionErrors.notFound()
    if (!allowExpired && Number(row.expires_at) <= this.clock.now()) throw subscriptionErrors.expired()
    return row
  }

  private async checkHandshake(address: string): Promise<void> {
    const failure = await handshake(address, this.settings.webhookTimeout)
    if (failure) throw subscriptionErrors.handshakeFailed(address, failure)
  }

  private async clientOf(principal: Principal): Promise<string> {
    const row = await this.db
      .selectFrom('oauth_sessions')
      .select('client_id')
      .where('id', '=', principal.sessionId)
      .executeTakeFirst()
    if (!row) throw errors.tokenInvalid()
    return row.client_id
  }

  /**
   * Parses and resolves the filters: `~` is the caller; another extension of the
   * account needs a SuperAdmin (as reading its mailbox does); another account, never.
   */
  private async resolveFilters(principal: Principal, given: unknown): Promise<EventFilter[]> {
    if (!Array.isArray(given) || given.length === 0)
      throw errors.invalidParameter('eventFilters', 'Expected a non-empty list of event filters.')
    const out: EventFilter[] = []
    const seen = new Set<string>()
    for (const text of given) {
      const parsed = parseFilter(text)
      if (!parsed) throw subscriptionErrors.invalidFilters(String(text))
      let filter: EventFilter
      if (parsed.kind === 'reminder') filter = resolveFilter(parsed, '', '')
      else {
        if (!principal.permissions.has('ReadMessages')) throw errors.permissionRequired('ReadMessages')
        if (parsed.account !== '~' && parsed.account !== principal.accountId)
          throw subscriptionErrors.anotherAccount()
        let extensionId = principal.extensionId
        if (parsed.extension !== '~' && parsed.extension !== principal.extensionId) {
          if (principal.role !== 'SuperAdmin') throw subscriptionErrors.anotherExtension()
          if (!/^\d{1,18}$/.test(parsed.extension)) throw subscriptionErrors.invalidFilters(text)
          const mailbox = await this.db
            .selectFrom('mailboxes')
            .select('extension_id')
            .where('account_id', '=', principal.accountId)
            .where('extension_id', '=', parsed.extension)
            .executeTakeFirst()
          if (!mailbox) throw subscriptionErrors.invalidFilters(text)
          extensionId = parsed.extension
        }
        filter = resolveFilter(parsed, principal.accountId, extensionId)
      }
      if (!seen.has(filter.text)) out.push(filter)
      seen.add(filter.text)
    }
    return out
  }
}

/**
 * With no active webhook subscription, the dispatcher marks outbox rows done only once a
 * second (dispatcher.ts, IDLE_MARK_MS). Changes made before this first webhook subscription
 * are owed to nobody: they are marked here, so that it receives only what follows it.
 */
async function settleUnwatchedChanges(trx: Transaction<DB>, now: number): Promise<void> {
  const active = await trx
    .selectFrom('subscriptions')
    .select('id')
    .where('transport', '=', 'WebHook')
    .where('status', '=', 'Active')
    .where('expires_at', '>', now)
    .limit(1)
    .executeTakeFirst()
  if (active) return
  await trx.updateTable('notification_outbox').set({ fanned_out: 1 }).where('fanned_out', '=', 0).execute()
}
