/**
 * Writes openapi/message-store.json, the JSON form of RingCentral's OpenAPI description
 * of the message store (../shared/reference/message-store.openapi.yml by default). The
 * server serves the operations of it that it has routes for (src/http/openapi/).
 *
 *   node --import tsx scripts/openapi-reference.ts [path/to/message-store.openapi.yml]
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = process.argv[2] ?? path.join(root, '../shared/reference/message-store.openapi.yml')
const document = parse(fs.readFileSync(source, 'utf8'))
fs.writeFileSync(path.join(root, 'openapi/message-store.json'), `${JSON.stringify(document)}\n`)
console.log(`openapi/message-store.json: ${Object.keys(document.paths).length} paths`)
