import type { Readable } from 'node:stream'
import { ApiError } from '../domain/errors.js'

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
    if (size > MAX_TIFF_BYTES) throw new ApiError(413, 'CMN-104', 'The TIFF is too large to show as images')
    chunks.push(chunk as Buffer)
  }
  const bytes = Buffer.concat(chunks)
  // Loaded on the first TIFF shown: a server whose inbox shows none does without libvips.
  const { default: sharp } = await import('sharp')
  let pages: number
  try {
    pages = (await sharp(bytes).metadata()).pages ?? 1
  } catch {
    throw new ApiError(
      415,
      'CMN-101',
      'Parameter [as] value is invalid: the attachment is not a readable TIFF',
      'as',
    )
  }
  if (page > pages) throw new ApiError(404, 'CMN-102', 'Resource for parameter [page] is not found', 'page')
  return sharp(bytes, { page: page - 1 })
    .png()
    .toBuffer()
}
