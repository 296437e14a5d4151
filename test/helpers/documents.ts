import { PDFDocument, StandardFonts } from 'pdf-lib'

/** Small, valid documents to send as fax pages and MMS attachments. */

/** A PDF of `pages` Letter pages, each saying its number. */
export async function pdfOf(pages: number, title = 'msgstore test document'): Promise<Buffer> {
  const doc = await PDFDocument.create()
  const font = await doc.embedFont(StandardFonts.Helvetica)
  for (let i = 1; i <= pages; i++) {
    const page = doc.addPage([612, 792])
    page.drawText(`${title}, page ${i} of ${pages}`, { x: 72, y: 700, size: 14, font })
  }
  return Buffer.from(await doc.save())
}

/**
 * A baseline TIFF of `pages` pages (little-endian, one uncompressed 8×8 bilevel
 * strip each): every page an image file directory chained to the next.
 */
export function tiffOf(pages: number, width = 8, height = 8): Buffer {
  const rowBytes = Math.ceil(width / 8)
  const stripBytes = rowBytes * height
  const tags = 9
  const ifdSize = 2 + tags * 12 + 4
  const pageSize = ifdSize + stripBytes
  const out = Buffer.alloc(8 + pages * pageSize)
  out.write('II', 0, 'latin1')
  out.writeUInt16LE(42, 2)
  out.writeUInt32LE(8, 4)
  for (let p = 0; p < pages; p++) {
    const ifd = 8 + p * pageSize
    const strip = ifd + ifdSize
    const entries: [number, number, number][] = [
      [254, 4, 2], // NewSubfileType: a page of a multi-page document
      [256, 3, width], // ImageWidth
      [257, 3, height], // ImageLength
      [259, 3, 1], // Compression: none
      [262, 3, 0], // PhotometricInterpretation: WhiteIsZero
      [273, 4, strip], // StripOffsets
      [277, 3, 1], // SamplesPerPixel
      [278, 3, height], // RowsPerStrip
      [279, 4, stripBytes], // StripByteCounts
    ]
    out.writeUInt16LE(tags, ifd)
    entries.forEach(([tag, type, value], i) => {
      const at = ifd + 2 + i * 12
      out.writeUInt16LE(tag, at)
      out.writeUInt16LE(type, at + 2)
      out.writeUInt32LE(1, at + 4)
      if (type === 3) out.writeUInt16LE(value, at + 8)
      else out.writeUInt32LE(value, at + 8)
    })
    out.writeUInt32LE(p === pages - 1 ? 0 : ifd + pageSize, ifd + 2 + tags * 12)
    for (let i = 0; i < stripBytes; i++) out[strip + i] = (i + p) % 2 ? 0xaa : 0x55
  }
  return out
}

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

/** The page count of a PDF, as a recipient's viewer would read it. */
export async function pdfPages(bytes: Uint8Array): Promise<number> {
  return (await PDFDocument.load(bytes)).getPageCount()
}
