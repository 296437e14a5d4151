import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * Which layer may import which (docs/design.md): HTTP code reaches the database only
 * through services, so no module under src/http imports from src/storage.
 */

const src = fileURLToPath(new URL('../../src/', import.meta.url))

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry)
    return statSync(file).isDirectory() ? modules(file) : file.endsWith('.ts') ? [file] : []
  })
}

/** The files under src/ a module imports (relative specifiers only; `.js` names the `.ts` source). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)) {
    out.push(path.relative(src, path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'))))
  }
  return out
}

test('the rule reads imports: a module known to import storage is seen doing so', () => {
  const database = path.join(src, 'app', 'services.ts')
  assert.ok(importsOf(database).some((target) => target.startsWith(`storage${path.sep}`)))
})

/** Each import from a module under src/`from` of a module under src/`to`, as `file → target`. */
function importsAcross(from: string, to: string): string[] {
  return modules(path.join(src, from)).flatMap((file) =>
    importsOf(file)
      .filter((target) => target.startsWith(`${to}${path.sep}`))
      .map((target) => `${path.relative(src, file)} → ${target}`),
  )
}

test('no module under src/http imports from src/storage', () => {
  assert.deepEqual(importsAcross('http', 'storage'), [])
})

test('jobs/ is the machinery only: it imports no use case, so services and jobs form no cycle', () => {
  assert.deepEqual(importsAcross('jobs', 'services'), [])
})

test('every job kind is declared once, by the use case that enqueues it', () => {
  const declared = new Map<string, string[]>()
  for (const file of modules(src)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/jobKind<[^>]*>\('([^']+)'/g)) {
      declared.set(m[1]!, [...(declared.get(m[1]!) ?? []), path.relative(src, file)])
    }
  }
  assert.ok(declared.has('delivery.step'), 'the rule finds job kinds')
  const twice = [...declared].filter(([, files]) => files.length > 1)
  assert.deepEqual(twice, [])
  for (const [name, files] of declared) assert.ok(!files[0]!.startsWith(`jobs${path.sep}`), name)
})
