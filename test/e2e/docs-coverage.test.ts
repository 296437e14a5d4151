import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { createServices, type Services } from '../../src/app/services.js'
import { buildProgram } from '../../src/cli/program.js'
import { loadConfig } from '../../src/config/config.js'
import { buildHttp } from '../../src/http/server.js'
import { tempDir } from '../helpers/server.js'

// The operator's documentation lives in docs/*.md: every admin route the server serves
// and every option the command line takes must be named there. Routes are read from
// the application as built, options from commander's own help, so a route or option
// added anywhere without its documentation fails here.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const docsDir = path.join(root, 'docs')
const docs = () =>
  fs
    .readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => fs.readFileSync(path.join(docsDir, f), 'utf8'))
    .join('\n')

/** `METHOD path` pairs from Fastify's route tree (without the HEAD routes it adds to each GET). */
function routesOf(app: FastifyInstance): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = []
  const stack: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line)
    if (!m) continue
    const depth = m[1]!.length / 4
    stack.length = depth
    stack.push(m[2]!)
    const full = stack.join('')
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) {
      routes.push({ method, path: full })
    }
  }
  return routes
}

/**
 * The help of the command line, `msgstore --help` or `msgstore <command> --help`, as the
 * program prints it. Read from the program as built rather than by running it once per
 * command; test/e2e/export-cli.test.ts runs a real `--help`.
 */
function help(command?: string): string {
  const program = buildProgram()
  const target = command ? program.commands.find((c) => c.name() === command) : program
  assert.ok(target, `no command ${command}`)
  return target.helpInformation()
}

describe('docs/ covers the operator interface', () => {
  let services: Services
  let app: FastifyInstance

  before(async () => {
    const config = loadConfig({ data: tempDir(), demo: false }, {}, () => 'docs-test-token')
    services = await createServices(config)
    app = await buildHttp(services)
    await app.ready()
  })
  after(async () => {
    await app?.close()
    await services?.close()
  })

  test('every admin route, /metrics and /healthz, with each of its methods', () => {
    const routes = routesOf(app).filter((r) => /^\/(admin\/|metrics$|healthz$)/.test(r.path))
    assert.ok(
      routes.some((r) => r.path === '/admin/v1/provision'),
      'the route tree was not read',
    )
    const lines = docs().split('\n')
    const missing = routes.filter(({ method, path: route }) => {
      const documented = route.replace(/:(\w+)/g, '{$1}')
      return !lines.some((line) => line.includes(documented) && new RegExp(`\\b${method}\\b`).test(line))
    })
    assert.deepEqual(
      missing.map((r) => `${r.method} ${r.path}`),
      [],
      'routes not named with their method on a line of docs/*.md (paths written with {param})',
    )
  })

  test('every option of every command', async () => {
    const commands = [...help().matchAll(/^ {2}(\w[\w-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help')
    assert.ok(commands.includes('serve') && commands.includes('backup'), commands.join(' '))
    const text = docs()
    const missing: string[] = []
    for (const command of ['', ...commands]) {
      const usage = help(command || undefined)
      const options = usage.slice(usage.indexOf('Options:')).split(/\nCommands:/)[0]!
      for (const [option] of options.matchAll(/--[a-z][a-z-]*/g)) {
        if (option === '--help') continue
        if (!text.includes(option)) missing.push(`${command || 'msgstore'} ${option}`)
      }
    }
    assert.deepEqual(missing, [], 'options not named in docs/*.md')
  })

  test('no link leaves the repository except to RingCentral', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
    for (const text of [readme, docs()]) {
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:\/\//.test(target!)) {
          assert.match(target!, /^https:\/\/([\w-]+\.)*ringcentral\.com\//, target)
        } else if (!target!.startsWith('#')) {
          const file = target!.split('#')[0]!
          const base = text === readme ? root : docsDir
          assert.ok(fs.existsSync(path.resolve(base, file)), `broken or outside link ${target}`)
          assert.ok(
            path.resolve(base, file).startsWith(root + path.sep),
            `link leaves the repository: ${target}`,
          )
        }
      }
    }
  })
})
