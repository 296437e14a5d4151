// Links node_modules/.bin/msgstore to the built entry point of this checkout.
//
// npm never links a project's own `bin` into its own node_modules/.bin, so `npx msgstore`
// inside a checkout whose package.json declares that bin packs the checkout into npm's
// npx cache: a fresh dependency install and a rebuild (about a minute) before every start,
// and the copy it runs is stale after a change. The package therefore declares no `bin`
// of its own; `npm install` (through `prepare`) runs this script instead, and npx finds the
// command locally and runs the dist/ that `npm run build` keeps current.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const binDir = path.join(root, 'node_modules', '.bin')
const link = path.join(binDir, 'msgstore')
const target = path.relative(binDir, path.join(root, 'dist', 'main.js'))

fs.mkdirSync(binDir, { recursive: true })
fs.rmSync(link, { force: true })
fs.symlinkSync(target, link)
fs.chmodSync(path.join(root, 'dist', 'main.js'), 0o755)
