import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { createServices, type Services } from '../../src/app/services.js'
import { loadConfig } from '../../src/config/config.js'
import { pathShape } from '../../src/http/openapi/document.js'
import { registeredApiRoutes } from '../../src/http/routes/openapi.js'
import { buildHttp } from '../../src/http/server.js'
import { databaseFor, type RunningServer, startServer, tempDir } from '../helpers/server.js'

const METHODS = ['get', 'put', 'post', 'delete', 'patch']

function operations(doc: any): { method: string; shape: string; group?: string }[] {
  const out: { method: string; shape: string; group?: string }[] = []
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of METHODS) {
      if (item[method])
        out.push({
          method: method.toUpperCase(),
          shape: pathShape(path),
          group: item[method]['x-throttling-group'],
        })
    }
  }
  return out
}

describe('GET /restapi/openapi.json', () => {
  let server: RunningServer
  before(async () => {
    server = await startServer()
  })
  after(() => server.stop())

  test('served without a token, OpenAPI 3, naming this server', async () => {
    const res = await fetch(`${server.baseUrl}/restapi/openapi.json`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /application\/json/)
    const doc = await res.json()
    assert.match(doc.openapi, /^3\./)
    assert.deepEqual(doc.servers, [{ url: server.baseUrl }])
    const names = new Set(operations(doc).map((o) => `${o.method} ${o.shape}`))
    for (const expected of [
      'GET /restapi/v1.0/account/{}/extension/{}/message-store',
      'POST /restapi/v1.0/account/{}/extension/{}/sms',
      'GET /restapi/v1.0/account/{}/extension/{}/message-sync',
      'POST /restapi/oauth/token',
    ]) {
      assert.ok(names.has(expected), expected)
    }
    assert.ok(names.has('POST /restapi/v1.0/subscription'), 'subscriptions are described')
    assert.ok(names.has('GET /restapi/v1.0/account/{}/extension/{}'), 'the account surface is described')
    // Not implemented, so not described.
    assert.ok(!names.has('GET /restapi/oauth/authorize'))
    assert.ok(doc.components?.schemas, 'the schemas come along')
  })
})

describe('the description and the routes cannot drift apart', () => {
  let services: Services
  let app: FastifyInstance
  before(async () => {
    const dir = tempDir()
    const database = (await databaseFor(dir)) ?? `sqlite:${dir}/msgstore.db`
    services = await createServices(loadConfig({ data: dir, database, demo: false }, {}, () => 'token'))
    services.publicUrl.set('http://127.0.0.1:1')
    app = await buildHttp(services)
    await app.ready()
  })
  after(async () => {
    await app.close()
    await services.close()
  })

  test('every registered REST and OAuth route is described, and every described operation is a route', async () => {
    const routes = registeredApiRoutes(app)
    assert.ok(routes.length > 15, `routes: ${routes.length}`)
    const res = await app.inject({ method: 'GET', url: '/restapi/openapi.json' })
    const described = operations(res.json())
    const describedNames = new Set(described.map((o) => `${o.method} ${o.shape}`))
    const routeNames = new Set(routes.map((r) => `${r.method} ${pathShape(r.url)}`))
    assert.deepEqual(
      [...routeNames].filter((n) => !describedNames.has(n)),
      [],
      'routes the description lacks',
    )
    assert.deepEqual(
      [...describedNames].filter((n) => !routeNames.has(n)),
      [],
      'operations with no route',
    )
  })

  test('every described operation but the description itself has a throttling group', async () => {
    const res = await app.inject({ method: 'GET', url: '/restapi/openapi.json' })
    const missing = operations(res.json()).filter(
      (o) => !o.group && !o.shape.endsWith('openapi.json') && !o.shape.startsWith('/restapi/oauth/'),
    )
    assert.deepEqual(missing, [])
  })
})
