import { deflateSync } from 'node:zlib'
import type { BlobStore } from '../blobs/blob-store.js'
import type { AttachmentType } from '../domain/message/model.js'
import type { Payload, Payloads } from './plan.js'

/**
 * Synthetic content for `msgstore seed`: message texts, names, and small but valid
 * attachment files (PNG images, WAV voicemails, PDF faxes). A seeded store reuses
 * this small set of payloads; the blob store is content-addressed, so each is stored once.
 */

const GREETINGS = [
  'Hi',
  'Hello',
  'Hey',
  'Good morning',
  'Good afternoon',
  'Thanks',
  'Quick question',
  'Reminder',
]
const BODIES = [
  'can you call me back when you have a minute?',
  'the delivery is scheduled for tomorrow between 9 and 11.',
  'your appointment is confirmed for Thursday at 2:30 PM.',
  'I sent the contract over, let me know if anything needs changing.',
  'running 10 minutes late, sorry!',
  'are we still on for lunch today?',
  'the invoice #4471 is attached to the email I sent this morning.',
  'please reply YES to confirm or NO to reschedule.',
  'the package was left at the front desk.',
  'could you send me the updated quote? Thanks 🙂',
  'meeting moved to room 4B.',
  'your verification code is 482 913.',
  'we have received your payment, thank you.',
  'can you check the ticket I opened yesterday?',
  'the technician is on the way, ETA 25 min.',
]

/** Distinct SMS texts: every greeting with every body. */
export function smsTexts(): string[] {
  return GREETINGS.flatMap((greeting) => BODIES.map((body) => `${greeting}, ${body}`))
}

export const FIRST_NAMES =
  'Alice Bob Carol David Erin Frank Grace Heidi Ivan Judy Karl Laura Mallory Niaj Olivia Peggy Quentin Rupert Sybil Trent Uma Victor Wendy Yara'.split(
    ' ',
  )
export const LAST_NAMES =
  'Anderson Brown Chen Diaz Evans Fischer Garcia Hughes Ito Johnson Kowalski Lopez Martin Nguyen Okafor Patel Quinn Rossi Smith Tanaka Usman Vega'.split(
    ' ',
  )
/** Area codes and the place a caller id shows for them. */
export const AREAS: readonly [string, string][] = [
  ['212', 'New York, NY'],
  ['312', 'Chicago, IL'],
  ['415', 'San Francisco, CA'],
  ['512', 'Austin, TX'],
  ['617', 'Boston, MA'],
  ['702', 'Las Vegas, NV'],
  ['206', 'Seattle, WA'],
  ['303', 'Denver, CO'],
]

export interface ImagePayload {
  bytes: Buffer
  width: number
  height: number
  fileName: string
}

export interface AudioPayload {
  bytes: Buffer
  seconds: number
}

export interface FaxPayload {
  bytes: Buffer
  pages: number
}

/** A few PNG pictures of different sizes (colour gradients). */
export function images(): ImagePayload[] {
  const sizes: [number, number][] = [
    [64, 48],
    [160, 120],
    [240, 320],
    [400, 300],
  ]
  return sizes.map(([width, height], i) => ({
    bytes: gradientPng(width, height, i),
    width,
    height,
    fileName: `image${i}.png`,
  }))
}

/** Voicemails of several lengths: 8 kHz, 8-bit mono WAV with a quiet, varying tone. */
export function recordings(): AudioPayload[] {
  return [4, 9, 17, 28, 46].map((seconds) => ({ bytes: toneWav(seconds), seconds }))
}

/** Faxes of 1 to 5 pages: minimal, valid PDF documents. */
export function faxes(): FaxPayload[] {
  return [1, 2, 3, 5].map((pages) => ({ bytes: pdf(pages), pages }))
}

// PNG ----------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c
  }
  return table
})()

function crc32(data: Buffer): number {
  let c = -1
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ -1) >>> 0
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

function gradientPng(width: number, height: number, variant: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    raw[row] = 0 // no filter
    for (let x = 0; x < width; x++) {
      const at = row + 1 + x * 3
      raw[at] = (x * 255) / width + variant * 40
      raw[at + 1] = (y * 255) / height
      raw[at + 2] = 128 + variant * 30
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.writeUInt8(8, 8) // bit depth
  header.writeUInt8(2, 9) // truecolour RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

// WAV ----------------------------------------------------------------------------

function toneWav(seconds: number): Buffer {
  const rate = 8000
  const samples = rate * seconds
  const out = Buffer.alloc(44 + samples)
  out.write('RIFF', 0, 'latin1')
  out.writeUInt32LE(36 + samples, 4)
  out.write('WAVEfmt ', 8, 'latin1')
  out.writeUInt32LE(16, 16)
  out.writeUInt16LE(1, 20) // PCM
  out.writeUInt16LE(1, 22) // mono
  out.writeUInt32LE(rate, 24)
  out.writeUInt32LE(rate, 28)
  out.writeUInt16LE(1, 32)
  out.writeUInt16LE(8, 34)
  out.write('data', 36, 'latin1')
  out.writeUInt32LE(samples, 40)
  for (let i = 0; i < samples; i++) {
    const t = i / rate
    const pitch = 180 + 60 * Math.sin(t * 1.7)
    out[44 + i] = 128 + Math.round(24 * Math.sin(2 * Math.PI * pitch * t) * Math.abs(Math.sin(t * 3)))
  }
  return out
}

// PDF ----------------------------------------------------------------------------

function pdf(pages: number): Buffer {
  const objects: string[] = []
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + i * 2)
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>'
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>'
  pageIds.forEach((id, i) => {
    const text = `BT /F1 14 Tf 72 720 Td (Fax page ${i + 1} of ${pages}) Tj ET`
    objects[id] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`
    objects[id + 1] = `<< /Length ${text.length} >>\nstream\n${text}\nendstream`
  })
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = body.length
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`
  }
  const xref = body.length
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

/** Stores each payload once (the blob store is content-addressed) and describes it for the rows that point at it. */
export async function storePayloads(
  blobs: BlobStore,
): Promise<{ payloads: Payloads; blobs: { count: number; bytes: number } }> {
  const stats = { count: 0, bytes: 0 }
  const put = async (bytes: Buffer) => {
    const stored = await blobs.put(bytes)
    stats.count++
    stats.bytes += stored.size
    return stored
  }
  const payload = (
    type: AttachmentType,
    contentType: string,
    stored: { key: string; size: number },
    more: { fileName?: string; vmDuration?: number; width?: number; height?: number } = {},
  ): Payload => ({
    type,
    contentType,
    size: stored.size,
    blobKey: stored.key,
    ...more,
    extraJson: JSON.stringify({ vmDuration: more.vmDuration, width: more.width, height: more.height }),
  })
  const texts = []
  for (const text of smsTexts()) {
    texts.push({ text, payload: payload('Text', 'text/plain', await put(Buffer.from(text, 'utf8'))) })
  }
  const imagePayloads = []
  for (const image of images()) {
    imagePayloads.push(
      payload('MmsAttachment', 'image/png', await put(image.bytes), {
        fileName: image.fileName,
        width: image.width,
        height: image.height,
      }),
    )
  }
  const recordingPayloads = []
  for (const recording of recordings()) {
    recordingPayloads.push(
      payload('AudioRecording', 'audio/x-wav', await put(recording.bytes), { vmDuration: recording.seconds }),
    )
  }
  const faxPayloads = []
  for (const fax of faxes()) {
    faxPayloads.push({
      ...payload('RenderedDocument', 'application/pdf', await put(fax.bytes)),
      pages: fax.pages,
    })
  }
  return {
    payloads: { texts, images: imagePayloads, recordings: recordingPayloads, faxes: faxPayloads },
    blobs: stats,
  }
}
