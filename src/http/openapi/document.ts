import fs from 'node:fs'
import path from 'node:path'
import { packageRoot } from '../../lib/package-root.js'

/**
 * The OpenAPI description msgstore serves at `GET /restapi/openapi.json`: the operations of
 * RingCentral's own description (openapi/message-store.json, made from the reference by
 * scripts/openapi-reference.ts) for which a route is registered, plus the few routes
 * RingCentral's file does not describe (SUPPLEMENT). It is built from the routes the
 * server registered, so it names nothing the server lacks; test/e2e/openapi.test.ts
 * checks the other way, that every registered REST route is described.
 */

type Operation = Record<string, unknown> & { 'x-throttling-group'?: string }
type PathItem = Record<string, Operation | unknown>
interface Document {
  openapi: string
  info: Record<string, unknown>
  paths: Record<string, PathItem>
  [key: string]: unknown
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

let reference: Document | undefined

function referenceDocument(): Document {
  reference ??= JSON.parse(
    fs.readFileSync(path.join(packageRoot(), 'openapi/message-store.json'), 'utf8'),
  ) as Document
  return reference
}

/** Routes msgstore serves that RingCentral's message store description leaves out. */
const SUPPLEMENT: Record<string, PathItem> = {
  '/restapi': {
    get: {
      operationId: 'readApiVersions',
      summary: 'API versions (public; no token)',
      'x-throttling-group': 'Light',
      responses: { '200': { description: 'The API version list' } },
    },
  },
  '/restapi/v1.0': {
    get: {
      operationId: 'readApiVersion',
      summary: 'Version 1.0 (public; no token)',
      'x-throttling-group': 'Light',
      responses: { '200': { description: 'The version' } },
    },
  },
  '/restapi/openapi.json': {
    get: {
      operationId: 'readOpenApiDescription',
      summary: 'This description (public; no token)',
      responses: { '200': { description: 'OpenAPI 3 JSON' } },
    },
  },
  '/restapi/v1.0/account/{accountId}/message-store-report/{taskId}/archive/{archiveId}': {
    get: {
      operationId: 'readMessageStoreReportArchiveContent',
      summary: 'Downloads one zip archive of a message store report',
      'x-throttling-group': 'Heavy',
      parameters: ['accountId', 'taskId', 'archiveId'].map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      responses: { '200': { description: 'The zip archive' }, '206': { description: 'A byte range of it' } },
    },
  },
  '/restapi/oauth/wstoken': {
    post: {
      operationId: 'createWebSocketToken',
      summary: 'A token and address for the WebSocket notification gateway',
      'x-throttling-group': 'Auth',
      responses: { '200': { description: '`{ uri, ws_access_token, expires_in }`' } },
    },
  },
  '/restapi/v1.0/account/{accountId}': {
    get: readOf('readAccountInfo', 'The account: id, main number, status, service info', 'Light', [
      'accountId',
    ]),
  },
  '/restapi/v1.0/account/{accountId}/extension': {
    get: readOf('listExtensions', "The account's extensions, paged", 'Medium', ['accountId']),
  },
  '/restapi/v1.0/account/{accountId}/extension/{extensionId}': {
    get: readOf('readExtension', 'One extension', 'Light', ['accountId', 'extensionId']),
  },
  '/restapi/v1.0/account/{accountId}/extension/{extensionId}/phone-number': {
    get: readOf('listExtensionPhoneNumbers', "The extension's phone numbers, with features", 'Medium', [
      'accountId',
      'extensionId',
    ]),
  },
  '/restapi/v1.0/account/{accountId}/phone-number': {
    get: readOf('listAccountPhoneNumbers', "The account's phone numbers, with features", 'Medium', [
      'accountId',
    ]),
  },
}

/** A read of the account surface, which the message store description leaves out. */
function readOf(operationId: string, summary: string, group: string, params: string[]): Operation {
  return {
    operationId,
    summary,
    'x-throttling-group': group,
    parameters: params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    responses: { '200': { description: summary } },
  }
}

/** Fastify's `/a/:id/b` as OpenAPI's `/a/{id}/b`, with every parameter name blanked for comparison. */
export function pathShape(url: string): string {
  return url.replace(/:[^/]+|\{[^}]+\}/g, '{}').replace(/\/+$/, '') || '/'
}

/** The description of one route, and its OpenAPI path, when there is one. */
export function describedOperation(
  method: string,
  url: string,
): { path: string; operation: Operation } | undefined {
  const shape = pathShape(url)
  const m = method.toLowerCase()
  for (const source of [SUPPLEMENT, referenceDocument().paths]) {
    for (const [p, item] of Object.entries(source)) {
      if (pathShape(p) !== shape) continue
      const operation = item[m]
      if (operation && typeof operation === 'object') return { path: p, operation: operation as Operation }
    }
  }
  return undefined
}

/** The throttling group of a route (`x-throttling-group`); OAuth endpoints are Auth. */
export function throttlingGroup(method: string, url: string): string | undefined {
  if (url.startsWith('/restapi/oauth/')) return 'Auth'
  return describedOperation(method, url)?.operation['x-throttling-group']
}

/** The served description: every described operation that has a route among `routes`. */
export function servedDocument(
  routes: readonly { method: string; url: string }[],
  serverUrl: string,
): Document {
  const ref = referenceDocument()
  const paths: Record<string, PathItem> = {}
  for (const route of routes) {
    const found = describedOperation(route.method, route.url)
    if (!found) continue
    paths[found.path] ??= {}
    const item = paths[found.path]!
    const source = (SUPPLEMENT[found.path] ?? ref.paths[found.path]) as PathItem
    // Path-level parameters travel with the path.
    if (source.parameters !== undefined) item.parameters = source.parameters
    item[route.method.toLowerCase()] = found.operation
  }
  const ordered: Record<string, PathItem> = {}
  for (const p of Object.keys(paths).sort()) {
    const item = paths[p]!
    ordered[p] = Object.fromEntries(
      Object.entries(item).sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b)),
    )
  }
  return {
    ...ref,
    info: { ...ref.info, title: 'msgstore: RingCentral Message Store API', 'x-served-by': 'msgstore' },
    servers: [{ url: serverUrl }],
    paths: ordered,
  }
}

function order(key: string): number {
  const i = (METHODS as readonly string[]).indexOf(key)
  return i < 0 ? -1 : i
}
