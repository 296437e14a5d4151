import { errors } from '../../domain/errors.js'
import { type CheckedFile, declaredType, extensionOf } from './attachments.js'
import type { IncomingFile } from './envelope.js'
import { FAX_MAX_PAGES, pdfPageCount, textPageCount, tiffPageCount } from './page-count.js'

/** RingCentral's fax limit: 50 MB for all documents together (the sending-faxes guide). */
export const FAX_MAX_TOTAL_BYTES = 50 * 1024 * 1024

/** The document types the sending-faxes guide lists, by file extension. */
const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  psd: 'image/vnd.adobe.photoshop',
  doc: 'application/msword',
  dot: 'application/msword',
  mcw: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xlsb: 'application/vnd.ms-excel.sheet.binary.macroenabled.12',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  vsd: 'application/vnd.visio',
  vdx: 'application/vnd.visio',
  pub: 'application/x-mspublisher',
  wps: 'application/vnd.ms-works',
  wri: 'application/x-mswrite',
  awd: 'application/x-awd',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  gif: 'image/gif',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  bmp: 'image/bmp',
  png: 'image/png',
  pcx: 'image/x-pcx',
  tga: 'image/x-tga',
  rtf: 'application/rtf',
  txt: 'text/plain',
  log: 'text/plain',
  h: 'text/plain',
  hpp: 'text/plain',
  c: 'text/plain',
  cpp: 'text/plain',
  err: 'text/plain',
  wk1: 'application/vnd.lotus-1-2-3',
  wk3: 'application/vnd.lotus-1-2-3',
  wk4: 'application/vnd.lotus-1-2-3',
  wq1: 'application/x-quattro-pro',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  csv: 'text/csv',
}

const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/tif': 'image/tiff',
  'text/xml': 'application/xml',
  'application/x-pdf': 'application/pdf',
}

const SUPPORTED = new Set(Object.values(BY_EXTENSION))
const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'text/html', 'application/xml', 'application/rtf'])

/** The type the bytes themselves declare, for the formats whose pages are counted or that are one image. */
function sniff(b: Buffer): string | undefined {
  const starts = (s: string, at = 0) => b.subarray(at, at + s.length).toString('latin1') === s
  if (starts('%PDF-')) return 'application/pdf'
  if (starts('II*\0') || starts('MM\0*') || starts('II+\0') || starts('MM\0+')) return 'image/tiff'
  if (starts('\x89PNG')) return 'image/png'
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (starts('GIF8')) return 'image/gif'
  if (starts('BM')) return 'image/bmp'
  return undefined
}

/** Text with no NUL and valid UTF-8: what a client sends as a `.txt` without saying so. */
function looksLikeText(b: Buffer): boolean {
  if (b.includes(0)) return false
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b)
}

function documentType(file: IncomingFile): string | undefined {
  const sniffed = sniff(file.body)
  if (sniffed) return sniffed
  const declared = declaredType(file.contentType)
  if (declared) return ALIASES[declared] ?? declared
  const byName = BY_EXTENSION[extensionOf(file.fileName)]
  if (byName) return byName
  return looksLikeText(file.body) ? 'text/plain' : undefined
}

/**
 * Pages of one document. PDF and TIFF are parsed; an image is one page; plain text
 * is laid out at 80 columns and 60 lines. Office formats cannot be rendered here
 * (that needs an office suite), so each counts as one page.
 */
async function pagesOf(type: string, body: Buffer): Promise<number> {
  if (type === 'application/pdf') return pdfPageCount(body)
  if (type === 'image/tiff') return tiffPageCount(body)
  if (TEXT_TYPES.has(type)) return textPageCount(body)
  return 1
}

export interface FaxDocument extends CheckedFile {
  pages: number
}

/** Checks fax documents against RingCentral's limits and counts their pages. */
export async function checkFaxDocuments(files: IncomingFile[], coverPages: number): Promise<FaxDocument[]> {
  if (files.length === 0) throw errors.required('attachment')
  let total = 0
  let pages = coverPages
  const documents: FaxDocument[] = []
  for (const file of files) {
    if (file.body.length === 0) throw errors.attachmentEmpty()
    const type = documentType(file)
    if (!type || !SUPPORTED.has(type)) {
      throw errors.unsupportedAttachment(type ?? file.contentType ?? extensionOf(file.fileName))
    }
    total += file.body.length
    if (total > FAX_MAX_TOTAL_BYTES) {
      throw errors.attachmentTooLarge(`more than ${FAX_MAX_TOTAL_BYTES} bytes in one fax`)
    }
    const count = await pagesOf(type, file.body)
    pages += count
    if (pages > FAX_MAX_PAGES) {
      throw errors.invalidParameter('attachment', `A fax has at most ${FAX_MAX_PAGES} pages.`)
    }
    documents.push({
      type: 'RenderedDocument',
      contentType: type,
      fileName: file.fileName,
      body: file.body,
      pages: count,
    })
  }
  return documents
}
