import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { pathShape } from '../../src/http/openapi/document.js'
import { registeredApiRoutes } from '../../src/http/routes/openapi.js'
import { type InProcessServer, startInProcess } from '../helpers/in-process.js'

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

// One msgstore in this process: the file reads the route table, which only the app at hand shows.
let server: InProcessServer
before(async () => {
  server = await startInProcess()
})
after(() => server.stop())

describe('GET /restapi/openapi.json', () => {
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
  const app = () => server.store.app

  test('every registered REST and OAuth route is described, and every described operation is a route', async () => {
    const routes = registeredApiRoutes(app())
    assert.ok(routes.length > 15, `routes: ${routes.length}`)
    const res = await app().inject({ method: 'GET', url: '/restapi/openapi.json' })
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
    const res = await app().inject({ method: 'GET', url: '/restapi/openapi.json' })
    const missing = operations(res.json()).filter(
      (o) => !o.group && !o.shape.endsWith('openapi.json') && !o.shape.startsWith('/restapi/oauth/'),
    )
    assert.deepEqual(missing, [])
  })
})
