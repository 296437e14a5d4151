// Writes dist/main.js, the command line's entry point, as one file: esbuild bundles
// src/main.ts with its dependencies over the module tsc wrote there.
//
// Why: Node 20 loads ES modules one file at a time, and msgstore with its dependencies is
// about a thousand of them (kysely alone is hundreds). Every start of `msgstore` (the
// server, and each command line run) spent about 1.4 s of CPU loading them; as one file,
// about 0.5 s. The other modules tsc wrote stay in dist/ for what imports them one by
// one: the seed's worker thread (dist/seed/worker.js) and the benchmark's server.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

await build({
  entryPoints: [path.join(root, 'src', 'main.ts')],
  outfile: path.join(root, 'dist', 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Not bundled:
  // - better-sqlite3, pg-native and sharp load a native addon found beside their own files;
  // - bufferutil and utf-8-validate are optional native helpers of ws;
  // - pdf-lib is loaded on the first fax only (services/sending/pdf-lib.ts), and stays so;
  // - yazl and buffer-crc32: exports/yazl-internals.ts swaps buffer-crc32's function for
  //   Node's own and must reach the copy yazl uses.
  external: [
    'better-sqlite3',
    'pg-native',
    'sharp',
    'bufferutil',
    'utf-8-validate',
    'pdf-lib',
    'yazl',
    'buffer-crc32',
  ],
  // The CommonJS dependencies inside an ES module call `require`: give them Node's.
  banner: {
    js: "import { createRequire as __msgstoreRequire } from 'node:module'; const require = __msgstoreRequire(import.meta.url);",
  },
})
