import fs from 'node:fs'

/** The version in package.json, read beside the built files (dist/ and src/ both sit one level below it). */
export function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url)
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version
}
