/**
 * pdf-lib, loaded on first use: only fax sends need it (page counts, cover pages), and
 * loaded at start it holds about 14 MB of every server's memory, most of which never
 * sends a fax.
 */
let loading: Promise<typeof import('pdf-lib')> | undefined

export function pdfLib(): Promise<typeof import('pdf-lib')> {
  loading ??= import('pdf-lib')
  return loading
}
