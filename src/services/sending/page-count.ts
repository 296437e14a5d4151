// pdf-lib reads every PDF structure a fax document can use (classic and stream
// cross-reference tables, object streams, incremental updates, encrypted files with
// `ignoreEncryption`) and counts the leaves of the page tree rather than trusting
// `/Count`; a malformed or cyclic page tree throws instead of hanging. It is pure
// JavaScript with no install scripts and no native parts, MIT licensed, and the
// most used PDF library on npm; the same library writes the cover page
// (cover-page.ts). Lighter "page counters" scan the bytes for `/Type /Page`, which
// is wrong as soon as pages sit in compressed object streams.
import { errors } from '../../domain/errors.js'
import { pdfLib } from './pdf-lib.js'

/** RingCentral's fax limit: the documents of one fax have at most 200 pages. */
export const FAX_MAX_PAGES = 200

const unreadable = (what: string) =>
  errors.invalidParameter('attachment', `The ${what} document cannot be read as a fax.`)

export async function pdfPageCount(bytes: Buffer): Promise<number> {
  const { PDFDocument } = await pdfLib()
  let pages: number
  try {
    const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })
    pages = doc.getPageCount()
  } catch {
    throw unreadable('PDF')
  }
  if (pages < 1) throw unreadable('PDF')
  return pages
}

/**
 * The pages of a TIFF (classic or BigTIFF): the images in its chain of image file
 * directories, less reduced-resolution ones (thumbnails, `NewSubfileType` bit 0).
 *
 * Counting walks the chain here rather than with a TIFF decoder such as utif/utif2:
 * their `decode` follows the chain without remembering where it has been, so a
 * 26-byte file whose directory points to itself never returns (tried with utif2
 * 4.1.0), and it reads every tag's values into arrays of whatever length the file
 * claims. Counting pages needs only the chain, walked with bounds checks, a
 * visited set and a page limit, which no input can make slow.
 */
export function tiffPageCount(bytes: Buffer): number {
  if (bytes.length < 8) throw unreadable('TIFF')
  const little = bytes[0] === 0x49 && bytes[1] === 0x49
  if (!little && !(bytes[0] === 0x4d && bytes[1] === 0x4d)) throw unreadable('TIFF')
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at))
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at))
  const u64 = (at: number) => Number(little ? bytes.readBigUInt64LE(at) : bytes.readBigUInt64BE(at))
  const version = u16(2)
  if (version !== 42 && version !== 43) throw unreadable('TIFF')
  const big = version === 43
  if (big && bytes.length < 16) throw unreadable('TIFF')
  const entrySize = big ? 20 : 12
  const countSize = big ? 8 : 2
  const offsetSize = big ? 8 : 4
  const readOffset = big ? u64 : u32

  const visited = new Set<number>()
  let pages = 0
  let offset = readOffset(big ? 8 : 4)
  while (offset !== 0) {
    if (visited.has(offset) || offset + countSize > bytes.length) throw unreadable('TIFF')
    visited.add(offset)
    const count = big ? u64(offset) : u16(offset)
    const entries = offset + countSize
    const nextAt = entries + count * entrySize
    if (nextAt + offsetSize > bytes.length) throw unreadable('TIFF')
    let reduced = false
    for (let i = 0; i < count; i++) {
      const at = entries + i * entrySize
      // NewSubfileType (254), a LONG whose value sits inline.
      if (u16(at) === 254) reduced = (u32(at + (big ? 12 : 8)) & 1) === 1
    }
    if (!reduced) pages++
    if (pages > FAX_MAX_PAGES) return pages
    offset = readOffset(nextAt)
  }
  if (pages === 0) throw unreadable('TIFF')
  return pages
}

/** Plain text as a fax machine prints it: 80 columns, 60 lines a page. */
export function textPageCount(bytes: Buffer): number {
  const lines = bytes
    .toString('utf8')
    .split(/\r\n|\r|\n|\f/)
    .reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / 80)), 0)
  return Math.max(1, Math.ceil(lines / 60))
}
