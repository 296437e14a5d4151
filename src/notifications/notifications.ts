import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { PublicUrl } from '../app/services.js'
import type { Clock } from '../domain/clock.js'
import { seal } from '../lib/sealed.js'
import type { OAuthService } from '../services/oauth/oauth.js'
import type { DialectInfo } from '../storage/dialects/dialect.js'
import type { DB } from '../storage/schema.js'
import { OutboxDispatcher } from './dispatcher.js'
import type { ChangeGroup } from './events.js'
import { type FaultCheck, GATEWAY_PATH, Gateway } from './gateway.js'
import { notificationCounters } from './metrics.js'
import type { NotificationSettings } from './settings.js'
import { SubscriptionReport } from './subscription-report.js'
import { SubscriptionService } from './subscriptions.js'
import { WebhookWorker } from './webhook-delivery.js'

/** How long a WebSocket access token opens connections (clients reuse it until 80% of this). */
const WS_TOKEN_TTL_S = 600

export interface NotificationDeps {
  db: Kysely<DB>
  dialect: DialectInfo
  clock: Clock
  publicUrl: PublicUrl
  oauth: OAuthService
  settings: NotificationSettings
  databaseUrl: string
  /** Seals WebSocket access tokens; shared by nodes through the database. */
  wsKey: Uint8Array
  log: { error(obj: object, msg: string): void }
  /** The test controls' fault rules, which ClientRequest frames go through too. */
  faults?: FaultCheck
}

/**
 * Subscriptions and their delivery, in one place: the subscription API, the outbox
 * dispatcher, webhook deliveries and the WebSocket gateway.
 */
export class Notifications {
  readonly subscriptions: SubscriptionService
  readonly webhooks: WebhookWorker
  /** What the admin API shows of subscriptions and their deliveries. */
  readonly report: SubscriptionReport
  private readonly dispatcher: OutboxDispatcher
  private gateway?: Gateway

  constructor(private readonly deps: NotificationDeps) {
    this.subscriptions = new SubscriptionService(deps.db, deps.clock, deps.publicUrl, deps.settings)
    // What was read may be a commit whose fsync still runs (SQLite's group commit): nothing
    // is sent out before it is on disk.
    const durable = () => deps.dialect.durable?.() ?? Promise.resolve()
    this.webhooks = new WebhookWorker(
      deps.db,
      deps.clock,
      deps.settings.webhookTimeout,
      deps.log,
      deps.dialect.sharedByNodes,
      durable,
    )
    this.report = new SubscriptionReport(deps.db, deps.clock, this.subscriptions)
    this.dispatcher = new OutboxDispatcher(
      deps.db,
      deps.dialect.supportsRowLocks,
      deps.clock,
      deps.publicUrl,
      () => this.gateway,
      this.webhooks,
      (row) => this.subscriptions.info(row),
      deps.log,
      durable,
      deps.dialect.name === 'postgres' ? deps.databaseUrl : undefined,
    )
  }

  /** Serves the WebSocket gateway on the HTTP server's port. */
  attach(app: FastifyInstance): void {
    this.gateway = new Gateway(
      app,
      this.deps.oauth,
      this.subscriptions,
      this.deps.wsKey,
      (id) =>
        this.deps.db
          .deleteFrom('subscriptions')
          .where('id', '=', id)
          .execute()
          .then(() => undefined),
      this.deps.settings.gateway,
      this.deps.faults,
    )
    this.gateway.attach()
  }

  /** Every change this node reads from the outbox, as it reads it (for the web inbox's live view). */
  onChanges(listener: (groups: ChangeGroup[]) => void): () => void {
    return this.dispatcher.onChanges(listener)
  }

  async start(): Promise<void> {
    if (!this.deps.dialect.sharedByNodes) {
      // WebSocket subscriptions live with their sessions, which did not survive the last process.
      await this.deps.db.deleteFrom('subscriptions').where('transport', '=', 'WebSocket').execute()
      // Delivery leases left by a process that died are void: no other node holds them.
      await this.deps.db.updateTable('subscriptions').set({ delivering_until: null }).execute()
    }
    this.webhooks.start()
    await this.dispatcher.start()
  }

  async stop(): Promise<void> {
    await this.dispatcher.stop()
    await this.webhooks.stop()
    await this.gateway?.close()
  }

  /** `POST /restapi/oauth/wstoken`: a token that opens gateway connections as the caller. */
  wsToken(accessToken: string): { uri: string; ws_access_token: string; expires_in: number } {
    const base = this.deps.publicUrl.value.replace(/^http/, 'ws')
    return {
      uri: `${base}${GATEWAY_PATH}`,
      ws_access_token: seal(this.deps.wsKey, 'ws-token', {
        t: accessToken,
        e: Date.now() + WS_TOKEN_TTL_S * 1000,
      }),
      expires_in: WS_TOKEN_TTL_S,
    }
  }

  /** For `GET /metrics`: open WebSocket connections and webhook deliveries by outcome. */
  counters(): typeof notificationCounters {
    notificationCounters.webSocketConnections = this.gateway?.connectionCount ?? 0
    return notificationCounters
  }
}
