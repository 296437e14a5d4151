import { errors } from '../../domain/errors.js'
import { type CheckedFile, declaredType, extensionOf } from './attachments.js'
import type { IncomingFile } from './envelope.js'

/**
 * RingCentral's MMS limits (the sending-images guide and createSMSMessage): at most 10
 * attachments, 1,500,000 bytes together, of the listed media types.
 */
export const MMS_MAX_ATTACHMENTS = 10
export const MMS_MAX_TOTAL_BYTES = 1_500_000

/** The supported media types by file extension, from the sending-images guide. */
const BY_EXTENSION: Record<string, string> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  tif: 'image/tiff',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  '3gp': 'video/3gpp',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mpeg: 'video/mpeg',
  mpg: 'video/mpeg',
  avi: 'video/avi',
  flv: 'video/x-flv',
  wmv: 'video/x-ms-wmv',
  mov: 'video/quicktime',
  qt: 'video/quicktime',
  webm: 'video/webm',
  ogg: 'video/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  oga: 'audio/ogg',
  wav: 'audio/wav',
  amr: 'audio/amr',
  vcf: 'text/vcard',
  vcard: 'text/vcard',
  zip: 'application/zip',
  gzip: 'application/gzip',
  gz: 'application/gzip',
  rtf: 'application/rtf',
  pdf: 'application/pdf',
  html: 'text/html',
  txt: 'text/plain',
  csv: 'text/csv',
  ics: 'text/calendar',
}

/** Common spellings clients send for the same types. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'video/x-msvideo': 'video/avi',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/3gpp': 'audio/3gpp',
  'audio/x-m4a': 'audio/mp4',
  'text/x-vcard': 'text/vcard',
  'application/x-gzip': 'application/gzip',
  'application/x-zip-compressed': 'application/zip',
}

const SUPPORTED = new Set([...Object.values(BY_EXTENSION), 'audio/3gpp'])

/** The media type of an MMS attachment: the declared one, else from the file name. */
function mmsType(file: IncomingFile): string | undefined {
  const declared = declaredType(file.contentType)
  if (declared) return ALIASES[declared] ?? declared
  return BY_EXTENSION[extensionOf(file.fileName)]
}

/** Checks MMS attachments against RingCentral's limits; answers them typed. */
export function checkMmsAttachments(files: IncomingFile[]): CheckedFile[] {
  if (files.length > MMS_MAX_ATTACHMENTS) {
    throw errors.invalidParameter('attachment', `At most ${MMS_MAX_ATTACHMENTS} attachments per message.`)
  }
  let total = 0
  const checked = files.map((file): CheckedFile => {
    if (file.body.length === 0) throw errors.attachmentEmpty()
    const type = mmsType(file)
    if (!type || !SUPPORTED.has(type)) {
      throw errors.unsupportedAttachment(type ?? file.contentType ?? extensionOf(file.fileName))
    }
    total += file.body.length
    return { type: 'MmsAttachment', contentType: type, fileName: file.fileName, body: file.body }
  })
  if (total > MMS_MAX_TOTAL_BYTES) {
    throw errors.attachmentTooLarge(`${total} bytes, at most ${MMS_MAX_TOTAL_BYTES} in one message`)
  }
  return checked
}
