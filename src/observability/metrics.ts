import type { Kysely } from 'kysely'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { Clock } from '../domain/clock.js'
import type { DB } from '../storage/schema.js'
import { countDueJobs, countFailedJobs, countStoredMessages } from './store-counts.js'

type RequestLabels = 'method' | 'route' | 'status'

/** Seconds: most requests answer in a millisecond or two; exports and bulk writes take longer. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Every series `GET /metrics` exports, in one place. Request series are counted as
 * requests end (a map lookup and two increments); what lives in the database (messages,
 * jobs) is counted only when Prometheus scrapes, so a request never pays for it.
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly requests: Counter<RequestLabels>
  private readonly latency: Histogram<RequestLabels>
  private readonly perRoute = new Map<string, { count: () => void; observe: (seconds: number) => void }>()

  /**
   * Notifications hook: open WebSocket connections of this node. The notifications
   * module calls `inc()` when a connection opens and `dec()` when it closes.
   */
  readonly webSocketConnections: Gauge
  /**
   * Notifications hook: webhook deliveries this node attempted, by `result`
   * (`delivered` or `failed`): `webhookDeliveries.inc({ result: 'delivered' })`.
   */
  readonly webhookDeliveries: Counter<'result'>

  constructor(db: Kysely<DB>, clock: Clock) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    this.requests = new Counter({
      name: 'msgstore_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    })
    this.latency = new Histogram({
      name: 'msgstore_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being written, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    })
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
    })
    this.webhookDeliveries = new Counter({
      name: 'msgstore_webhook_deliveries_total',
      help: 'Webhook notification deliveries attempted by this node, by result',
      labelNames: ['result'],
      registers,
    })
    for (const result of ['delivered', 'failed']) this.webhookDeliveries.inc({ result }, 0)
  }

  /** Counts one answered request; `route` is the route's pattern, never the URL (it may hold a token). */
  requestAnswered(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`
    let series = this.perRoute.get(key)
    if (!series) {
      const labels = { method, route, status: String(status) }
      const counter = this.requests.labels(labels)
      const histogram = this.latency.labels(labels)
      series = { count: () => counter.inc(), observe: (s) => histogram.observe(s) }
      this.perRoute.set(key, series)
    }
    series.count()
    series.observe(seconds)
  }

  /** The Prometheus text exposition of every series. */
  text(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
