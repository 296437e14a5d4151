import type { FastifyInstance } from 'fastify'

const MAX_BYTES = 16 * 1024 * 1024
const MAX_SIZES = 16

/**
 * Routes for `npm run bench` only, added by its server (bench/server.ts).
 *
 * `GET /__bench/bare?bytes=N` answers N bytes of JSON from a Buffer made once per
 * size: the same server and framework with no work per request, the floor that the
 * real routes are measured against. No authentication.
 *
 * `GET /__bench/memory` answers `process.memoryUsage()`, so that a soak can tell the
 * JavaScript heap and buffers from native memory (SQLite's page cache, the allocator).
 * A server run with `--expose-gc` collects first, so the figures are of what is live.
 */
export function registerBenchRoutes(app: FastifyInstance): void {
  const bodies = new Map<number, Buffer>()
  app.get<{ Querystring: { bytes?: string } }>('/__bench/bare', async (request, reply) => {
    const text = request.query.bytes ?? ''
    const bytes = Number(text)
    if (!/^\d{1,9}$/.test(text) || bytes > MAX_BYTES) {
      return reply.status(400).send({ message: `bytes: expected an integer from 0 to ${MAX_BYTES}` })
    }
    let body = bodies.get(bytes)
    if (body === undefined) {
      if (bodies.size >= MAX_SIZES) bodies.clear()
      body = paddedJson(bytes)
      bodies.set(bytes, body)
    }
    return reply.type('application/json; charset=utf-8').send(body)
  })
  app.get('/__bench/memory', async () => {
    const gc = (globalThis as { gc?: () => void }).gc
    if (gc) {
      // A full collection frees dead buffers' memory on a background thread, and
      // `external` counts it until that sweep ends; on a busy machine it had not ended when
      // the figures were read (90 MB of a download's freed chunks counted as live). The
      // next collection first waits for that sweep to finish.
      gc()
      await new Promise((resolve) => setImmediate(resolve))
      gc()
    }
    return process.memoryUsage()
  })
}

/** `{"pad":"xxx…"}` of exactly `bytes` bytes (spaces when too short for that). */
function paddedJson(bytes: number): Buffer {
  const body = Buffer.alloc(bytes, 0x20)
  if (bytes >= 10) {
    body.write('{"pad":"', 0, 'latin1')
    body.fill(0x78, 8, bytes - 2)
    body.write('"}', bytes - 2, 'latin1')
  }
  return body
}
