import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The page is served by msgstore itself under /inbox/, from dist/inbox (see src/http/routes/inbox/page.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/inbox/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/inbox', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Everything the page needs is in the bundle: it works offline, with no fetch outside the server.
    assetsInlineLimit: 0,
  },
})
