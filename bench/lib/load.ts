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
