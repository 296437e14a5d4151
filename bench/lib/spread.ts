import { type LoadRequest, type Measurement, measure } from './load.js'
import type { Server } from './processes.js'

/** Loads every node at once with its share of the connections; answers the sum (and the worst p99). */
export async function spread(
  nodes: Server[],
  request: LoadRequest,
  connections: number,
  seconds: number,
  warmup: number,
): Promise<Measurement> {
  const shares = nodes.map(
    (_, i) => Math.floor(connections / nodes.length) + (i < connections % nodes.length ? 1 : 0),
  )
  const requests = perNode(request, nodes.length)
  const parts = await Promise.all(
    nodes.flatMap((node, i) =>
      shares[i]! > 0 ? [measure(node.baseUrl, requests[i]!, shares[i]!, seconds, warmup, [node.pid])] : [],
    ),
  )
  const sum = (f: (m: Measurement) => number) => parts.reduce((total, m) => total + f(m), 0)
  return {
    connections,
    requestsPerSecond: sum((m) => m.requestsPerSecond),
    p50Ms: Math.max(...parts.map((m) => m.p50Ms)),
    p99Ms: Math.max(...parts.map((m) => m.p99Ms)),
    meanMs:
      sum((m) => m.meanMs * m.requests) /
      Math.max(
        1,
        sum((m) => m.requests),
      ),
    bytesPerSecond: sum((m) => m.bytesPerSecond),
    requests: sum((m) => m.requests),
    non2xx: sum((m) => m.non2xx),
    errors: sum((m) => m.errors),
    timeouts: sum((m) => m.timeouts),
    // Every node's wrk runs on the generator's core at once: their sum is its load.
    generatorCpu: sum((m) => m.generatorCpu),
    serverCpu: sum((m) => m.serverCpu ?? 0),
  }
}

const split = new WeakMap<LoadRequest, LoadRequest[]>()

/**
 * The request as each of `count` nodes is to be loaded with it: with `pathFor`, node i
 * takes every count-th path from i, so that no two nodes send the same query. Kept per
 * request, so later steps go on where the earlier ones stopped.
 */
function perNode(request: LoadRequest, count: number): LoadRequest[] {
  const pathFor = request.pathFor
  if (!pathFor || count === 1) return Array.from({ length: count }, () => request)
  let made = split.get(request)
  if (!made || made.length !== count) {
    made = Array.from({ length: count }, (_, i) => ({
      ...request,
      pathFor: (n: number) => pathFor(-1 - (n * count + i)),
    }))
    split.set(request, made)
  }
  return made
}
