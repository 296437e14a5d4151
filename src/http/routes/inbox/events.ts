import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { iso } from '../../../lib/iso.js'
import type { ChangeGroup } from '../../../notifications/events.js'

/** A comment line every so often keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000

/**
 * `GET /admin/v1/events`: a server-sent event stream of every change to any mailbox, read
 * from the change outbox that feeds subscriptions (so it shows exactly what a subscriber
 * would be told, on every node). One `change` event per transaction and mailbox:
 * `{ accountId, extensionId, at, messages: [{ id, kind, type, direction }] }`.
 */
export function registerInboxEvents(app: FastifyInstance, services: Services): void {
  const streams = new Set<ServerResponse>()
  // Open streams would hold a graceful shutdown for its whole time limit.
  app.addHook('preClose', async () => {
    for (const raw of streams) raw.end()
  })

  app.get('/admin/v1/events', async (request, reply) => {
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    raw.write(`retry: 2000\nevent: ready\ndata: {"now":"${iso(services.clock.now())}"}\n\n`)
    streams.add(raw)
    const send = (groups: ChangeGroup[]) => {
      for (const g of groups) {
        const data = {
          accountId: g.accountId,
          extensionId: g.extensionId,
          at: iso(g.at),
          messages: g.rows.map((r) => ({
            id: String(r.messageId),
            kind: r.kind,
            type: r.type,
            direction: r.direction,
          })),
        }
        raw.write(`event: change\ndata: ${JSON.stringify(data)}\n\n`)
      }
    }
    const unsubscribe = services.notifications.onChanges(send)
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    const done = () => {
      clearInterval(heartbeat)
      unsubscribe()
      streams.delete(raw)
    }
    request.raw.on('close', done)
    raw.on('error', done)
  })
}
