import autocannon from 'autocannon'

export interface LoadRequest {
  path: string
  headers?: Record<string, string>
  /** GET when absent. */
  method?: string
  /** Request bodies each connection sends in turn (e.g. alternating changes, so every write changes something). */
  bodies?: string[]
  /** A fresh path for every request across all connections (e.g. queries that never repeat). */
  pathFor?: (n: number) => string
}

export interface Measurement {
  connections: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  bytesPerSecond: number
  requests: number
  non2xx: number
  errors: number
  timeouts: number
}

/** Loads one URL with `connections` keep-alive connections for `seconds`, after an unmeasured warm-up. */
export async function measure(
  baseUrl: string,
  request: LoadRequest,
  connections: number,
  seconds: number,
  warmupSeconds: number,
): Promise<Measurement> {
  const options = {
    url: `${baseUrl}${request.path}`,
    headers: request.headers,
    connections,
    pipelining: 1,
    // Only when set: autocannon takes an undefined option for a value.
    ...(request.method ? { method: request.method as autocannon.Request['method'] } : {}),
    ...(request.bodies ? { requests: request.bodies.map((body) => ({ body })) } : {}),
    ...(request.pathFor ? { requests: [{ setupRequest: uniquePaths(request.pathFor) }] } : {}),
  }
  if (warmupSeconds > 0) await autocannon({ ...options, duration: warmupSeconds })
  const result = await autocannon({ ...options, duration: seconds })
  return {
    connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    bytesPerSecond: result.throughput.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

/** An autocannon request hook numbering requests across every connection. */
function uniquePaths(pathFor: (n: number) => string) {
  let n = 0
  return (req: autocannon.Request) => ({ ...req, path: pathFor(n++) })
}

/**
 * Loads two requests in alternating rounds (a, b, a, b, …) for `seconds` each in all,
 * after an unmeasured warm-up of both, and sums each one's rounds.
 *
 * Why: on a shared machine the speed available drifts over a minute; measuring one
 * request for ten seconds and then the other for ten seconds puts that drift into
 * their ratio. Alternating short rounds gives both the same conditions.
 */
export async function measurePaired(
  baseUrl: string,
  a: LoadRequest,
  b: LoadRequest,
  connections: number,
  seconds: number,
  warmupSeconds: number,
  rounds: number,
): Promise<[Measurement, Measurement]> {
  if (warmupSeconds > 0) {
    await measure(baseUrl, a, connections, warmupSeconds, 0)
    await measure(baseUrl, b, connections, warmupSeconds, 0)
  }
  const each = Math.max(1, Math.round(seconds / rounds))
  const measured: [Measurement[], Measurement[]] = [[], []]
  for (let i = 0; i < rounds; i++) {
    measured[0].push(await measure(baseUrl, a, connections, each, 0))
    measured[1].push(await measure(baseUrl, b, connections, each, 0))
  }
  return [combine(measured[0], each), combine(measured[1], each)]
}

/** One measurement of several equal rounds: totals and rates over all, p50 the median round's, p99 the worst. */
function combine(rounds: Measurement[], secondsEach: number): Measurement {
  const sum = (f: (m: Measurement) => number) => rounds.reduce((s, m) => s + f(m), 0)
  const requests = sum((m) => m.requests)
  const p50s = rounds.map((m) => m.p50Ms).sort((x, y) => x - y)
  return {
    connections: rounds[0]!.connections,
    requestsPerSecond: requests / (secondsEach * rounds.length),
    p50Ms: p50s[Math.floor(p50s.length / 2)]!,
    p99Ms: Math.max(...rounds.map((m) => m.p99Ms)),
    meanMs: requests === 0 ? 0 : sum((m) => m.meanMs * m.requests) / requests,
    bytesPerSecond: sum((m) => m.bytesPerSecond) / rounds.length,
    requests,
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
  }
}
