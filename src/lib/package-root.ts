import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

let root: string | undefined

/**
 * The folder of msgstore's package.json, found upward from the running code: the sources
 * (src/), the compiled modules (dist/…) and the one-file build (dist/main.js) each sit at
 * their own depth below it, so files beside the package (the OpenAPI reference, the built
 * inbox, package.json) are found from here rather than by a fixed `../..`.
 */
export function packageRoot(): string {
  if (root !== undefined) return root
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  root = dir
  return root
}
