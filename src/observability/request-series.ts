import type { Metric, Registry } from 'prom-client'

/** The methods the API answers; any other is counted as `other`, so odd methods add no series. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']

/** Seconds: most requests answer in a millisecond or two; exports and bulk writes take longer. */
const BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Series {
  labels: { method: string; route: string; status: string }
  count: number
  sum: number
  /** Requests per bucket, not cumulative; the last slot is above every bound. */
  buckets: Float64Array
}

/**
 * The request counter and latency histogram. prom-client's own Counter and Histogram
 * hash the label set on every observation (a few microseconds, a tenth of a listing's
 * whole cost); here a request adds to plain numbers found by one map lookup, and the
 * series become Prometheus samples only when scraped, through prom-client's registry.
 */
export class RequestSeries {
  /** By route pattern (one string object per route, whose hash V8 keeps), then by method and status as a number. */
  private readonly byRoute = new Map<string, Map<number, Series>>()
  private readonly series: Series[] = []

  record(method: string, route: string, status: number, seconds: number): void {
    let ofRoute = this.byRoute.get(route)
    if (!ofRoute) {
      ofRoute = new Map()
      this.byRoute.set(route, ofRoute)
    }
    const methodIndex = METHODS.indexOf(method)
    const key = status * (METHODS.length + 1) + (methodIndex < 0 ? METHODS.length : methodIndex)
    let series = ofRoute.get(key)
    if (!series) {
      series = {
        labels: { method: methodIndex < 0 ? 'other' : method, route, status: String(status) },
        count: 0,
        sum: 0,
        buckets: new Float64Array(BOUNDS.length + 1),
      }
      ofRoute.set(key, series)
      this.series.push(series)
    }
    series.count += 1
    series.sum += seconds
    let slot = 0
    while (slot < BOUNDS.length && seconds > BOUNDS[slot]!) slot++
    series.buckets[slot]! += 1
  }

  register(registry: Registry): void {
    const all = () => this.series
    registry.registerMetric(
      exposition(
        'msgstore_http_requests_total',
        'HTTP requests answered, by method, route pattern and status code',
        'counter',
        () => all().map((s) => ({ labels: s.labels, value: s.count })),
      ),
    )
    registry.registerMetric(
      exposition(
        'msgstore_http_request_duration_seconds',
        'Time from a request arriving to its answer being written, by method, route pattern and status code',
        'histogram',
        () =>
          all().flatMap((s) => {
            let cumulative = 0
            const buckets = BOUNDS.map((bound, i) => {
              cumulative += s.buckets[i]!
              return {
                metricName: 'msgstore_http_request_duration_seconds_bucket',
                labels: { le: bound, ...s.labels },
                value: cumulative,
              }
            })
            return [
              ...buckets,
              {
                metricName: 'msgstore_http_request_duration_seconds_bucket',
                labels: { le: '+Inf', ...s.labels },
                value: s.count,
              },
              { metricName: 'msgstore_http_request_duration_seconds_sum', labels: s.labels, value: s.sum },
              {
                metricName: 'msgstore_http_request_duration_seconds_count',
                labels: s.labels,
                value: s.count,
              },
            ]
          }),
      ),
    )
  }
}

/** A metric prom-client's registry formats like its own: a name, help, type and the samples of the moment. */
function exposition(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => unknown[],
): Metric {
  const get = async () => ({ name, help, type, aggregator: 'sum', values: values() })
  return { name, help, type, get } as unknown as Metric
}
