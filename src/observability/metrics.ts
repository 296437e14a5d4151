import type { Kysely } from 'kysely'
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { Clock } from '../domain/clock.js'
import { notificationCounters } from '../notifications/metrics.js'
import type { DB } from '../storage/schema.js'
import { registerMirrorSeries } from './mirror-series.js'
import { RequestSeries } from './request-series.js'
import { countDueJobs, countFailedJobs, countStoredMessages } from './store-counts.js'

/**
 * Every series `GET /metrics` exports, in one place. Request series are counted as
 * requests end (a map lookup and a few additions, see request-series.ts); what lives
 * in the database (messages, jobs) is counted only when Prometheus scrapes, so a
 * request never pays for it.
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly requests = new RequestSeries()

  /**
   * Open WebSocket connections of this node, read from the notifications module's
   * counters when scraped.
   */
  readonly webSocketConnections: Gauge
  /**
   * Webhook deliveries this node attempted, by `result` (`delivered` or `failed`), read
   * from the notifications module's counters when scraped.
   */
  readonly webhookDeliveries: Counter<'result'>

  constructor(db: Kysely<DB>, clock: Clock) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    this.requests.register(this.registry)
    new Gauge({
      name: 'msgstore_messages_stored',
      help: 'Messages in the store (every account, every availability), counted at scrape time',
      registers,
      async collect() {
        this.set(await countStoredMessages(db))
      },
    })
    new Gauge({
      name: 'msgstore_jobs_due',
      help: 'Background jobs whose time has come on the store clock and that have not run yet',
      registers,
      async collect() {
        this.set(await countDueJobs(db, clock.now()))
      },
    })
    new Gauge({
      name: 'msgstore_jobs_failed',
      help: 'Background jobs whose last attempt failed: retrying (will run again) or dead (gave up)',
      labelNames: ['state'],
      registers,
      async collect() {
        const failed = await countFailedJobs(db)
        this.set({ state: 'retrying' }, failed.retrying)
        this.set({ state: 'dead' }, failed.dead)
      },
    })
    this.webSocketConnections = new Gauge({
      name: 'msgstore_websocket_connections',
      help: 'Open WebSocket notification connections on this node',
      registers,
      collect() {
        this.set(notificationCounters.webSocketConnections)
      },
    })
    this.webhookDeliveries = new Counter({
      name: 'msgstore_webhook_deliveries_total',
      help: 'Webhook notification deliveries attempted by this node, by result',
      labelNames: ['result'],
      registers,
      // The notifications module counts as it delivers; the series reads its totals when scraped.
      collect() {
        this.reset()
        for (const result of ['delivered', 'failed'] as const)
          this.inc({ result }, notificationCounters.webhookDeliveries[result])
      },
    })
    registerMirrorSeries(this.registry, db, clock)
  }

  /** Counts one answered request; `route` is the route's pattern, never the URL (it may hold a token). */
  requestAnswered(method: string, route: string, status: number, seconds: number): void {
    this.requests.record(method, route, status, seconds)
  }

  /** The Prometheus text exposition of every series. */
  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
