import type { Readable } from 'node:stream'
import { errors } from '../domain/errors.js'

/** The largest TIFF converted in memory (a fax upload is at most 55 MB, as RingCentral's). */
const MAX_TIFF_BYTES = 64 * 1024 * 1024

/**
 * One page of a TIFF fax as PNG, so a browser (which cannot show TIFF) can show every
 * page. libvips (through sharp) reads the multi-page and bilevel CCITT TIFFs faxes use.
 */
export async function tiffPageAsPng(stream: Readable, page: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size > MAX_TIFF_BYTES) throw errors.tiffTooLarge()
    chunks.push(chunk as Buffer)
  }
  const bytes = Buffer.concat(chunks)
  // Loaded on the first TIFF shown: a server whose inbox shows none does without libvips.
  const { default: sharp } = await import('sharp')
  let pages: number
  try {
    pages = (await sharp(bytes).metadata()).pages ?? 1
  } catch {
    // 400, as for any other parameter value this attachment cannot take.
    throw errors.invalidValue('as', 'the attachment is not a readable TIFF')
  }
  if (page > pages) throw errors.notFound('page')
  return sharp(bytes, { page: page - 1 })
    .png()
    .toBuffer()
}
