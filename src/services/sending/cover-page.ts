import type { PDFFont } from 'pdf-lib'
import { pdfLib } from './pdf-lib.js'

export interface CoverPage {
  coverIndex: number
  from: { name: string; phoneNumber: string }
  to: { name?: string; phoneNumber: string }[]
  text?: string
  /** Pages of the documents, without the cover. */
  documentPages: number
  date: number
}

const LETTER: [number, number] = [612, 792]
const MARGIN = 72

/**
 * The fax cover page, rendered as a one-page PDF (with pdf-lib, see page-count.ts):
 * sender, recipients, date, page count and the sender's `coverPageText`. RingCentral
 * offers 13 designs (`coverIndex`); one plain layout stands in for all of them here.
 */
export async function renderCoverPage(cover: CoverPage): Promise<Buffer> {
  const { PDFDocument, StandardFonts } = await pdfLib()
  const doc = await PDFDocument.create()
  doc.setCreationDate(new Date(cover.date))
  doc.setModificationDate(new Date(cover.date))
  doc.setTitle('Fax cover page')
  const page = doc.addPage(LETTER)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const regular = await doc.embedFont(StandardFonts.Helvetica)
  let y = LETTER[1] - MARGIN
  const line = (text: string, font: PDFFont, size: number, gap = 6) => {
    page.drawText(encodable(font, text), { x: MARGIN, y, size, font })
    y -= size + gap
  }
  line('FAX', bold, 36, 24)
  line(`Date: ${new Date(cover.date).toUTCString()}`, regular, 12)
  line(`From: ${cover.from.name} (${cover.from.phoneNumber})`, regular, 12)
  for (const to of cover.to)
    line(`To: ${to.name ? `${to.name} (${to.phoneNumber})` : to.phoneNumber}`, regular, 12)
  line(`Pages: ${cover.documentPages + 1} including this cover page`, regular, 12, 24)
  for (const text of wrap(cover.text ?? '', 80)) {
    if (y < MARGIN) break
    line(text, regular, 12, 4)
  }
  return Buffer.from(await doc.save())
}

/** The standard fonts speak WinAnsi only: anything else prints as `?` instead of failing the send. */
function encodable(font: PDFFont, text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (code < 0x20 || code === 0x7f) {
      out += ' '
      continue
    }
    try {
      font.encodeText(ch)
      out += ch
    } catch {
      out += '?'
    }
  }
  return out
}

function wrap(text: string, width: number): string[] {
  const out: string[] = []
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let current = ''
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (current && current.length + 1 + word.length > width) {
        out.push(current)
        current = ''
      }
      current = current ? `${current} ${word}` : word
      while (current.length > width) {
        out.push(current.slice(0, width))
        current = current.slice(width)
      }
    }
    out.push(current)
  }
  return out
}
