import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type ApiError, errors } from '../../../domain/errors.js'
import { packageRoot } from '../../../lib/package-root.js'
import type { InboxLogin } from '../../../services/inbox/login.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
}

/** The built front end (`vite build` of web/inbox writes dist/inbox). */
export function inboxAssetsDir(): string {
  return path.join(packageRoot(), 'dist', 'inbox')
}

/**
 * Loads the few built files once: the page is a handful of small files, served from
 * memory with long caching for the content-hashed assets and none for the page itself.
 */
function loadAssets(root: string): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>()
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else
        files.set(path.relative(root, full).split(path.sep).join('/'), {
          type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
          body: fs.readFileSync(full),
        })
    }
  }
  walk(root)
  return files
}

/**
 * `GET /inbox/` and its assets, and the inbox login: `?code=` (the one-time code of the
 * ready output) or `POST /inbox/session` with the admin token sets the inbox cookie.
 */
export function registerInboxPage(app: FastifyInstance, login: InboxLogin, root = inboxAssetsDir()): void {
  const assets = loadAssets(root)

  const page = (reply: FastifyReply) => {
    const index = assets.get('index.html')
    if (!index) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web inbox is not built: run `npm run build`.\n')
    }
    return reply.header('cache-control', 'no-store').type(index.type).send(index.body)
  }

  app.get<{ Querystring: { code?: string } }>('/inbox/', async (request, reply) => {
    const code = request.query.code
    if (typeof code === 'string' && code !== '') {
      // The code is spent either way; the address bar drops it so a reload does not show it again.
      if (!login.redeem(code)) return reply.redirect('/inbox/#login-code-used', 303)
      return reply.header('set-cookie', login.cookie(isSecure(request))).redirect('/inbox/', 303)
    }
    return page(reply)
  })

  app.get<{ Params: { '*': string } }>('/inbox/assets/*', async (request, reply) => {
    const file = assets.get(`assets/${request.params['*']}`)
    if (!file) return reply.status(404).type('text/plain; charset=utf-8').send('Not found\n')
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(file.type)
      .send(file.body)
  })

  /** Whether this browser is logged in (the page asks for the token when it is not). */
  app.get('/inbox/session', async (request, reply) => {
    if (!login.hasSession(request.headers.cookie)) throw notLoggedIn()
    return reply.send({ loggedIn: true })
  })

  /** Logs a browser in with the admin token, once; the cookie keeps it logged in. */
  app.post('/inbox/session', async (request, reply) => {
    const token = (request.body as { token?: unknown } | undefined)?.token
    if (typeof token !== 'string' || !login.tokenMatches(token)) throw notLoggedIn()
    return reply
      .header('set-cookie', login.cookie(isSecure(request)))
      .status(204)
      .send()
  })

  app.delete('/inbox/session', async (_request, reply) =>
    reply
      .header(
        'set-cookie',
        login
          .cookie(false)
          .replace(/=[^;]*;/, '=; ')
          .replace(/Max-Age=\d+/, 'Max-Age=0'),
      )
      .status(204)
      .send(),
  )
}

function notLoggedIn(): ApiError {
  return errors.inboxLoginRequired()
}

function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https'
}
