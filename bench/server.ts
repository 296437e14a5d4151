/**
 * The server the benchmarks run: the built msgstore (dist/, as `npm start` runs it) with
 * the bench's own routes (lib/bench-routes.ts) and, for the baseline of bench/controls.ts,
 * without the test controls' hooks. What only the bench needs stays out of the product.
 *
 *   node --import tsx bench/server.ts serve [msgstore serve options]
 *   MSGSTORE_BENCH_CONTROLS_OFF=1   leave the test controls' hooks out
 */
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { registerBenchRoutes } from './lib/bench-routes.js'

const built = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'program.js')
// The built code, not the sources: the figures are of the code `npm start` runs, here loaded
// module by module (dist/main.js is the same code as one file, scripts/bundle.mjs, which only
// starts sooner).
const { runCli } = (await import(pathToFileURL(built).href)) as typeof import('../src/cli/program.js')

runCli(process.argv, {
  routes: registerBenchRoutes,
  testControlHooks: process.env.MSGSTORE_BENCH_CONTROLS_OFF !== '1',
})
