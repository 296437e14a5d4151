import fs from 'node:fs'
import path from 'node:path'
import { packageRoot } from './package-root.js'

/** The version in package.json. */
export function packageVersion(): string {
  const file = path.join(packageRoot(), 'package.json')
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version
}
