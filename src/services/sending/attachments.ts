import type { BlobStore } from '../../blobs/blob-store.js'
import type { AttachmentType } from '../../domain/message/model.js'
import type { AttachmentDraft } from '../../storage/repositories/messages.js'

/** A file checked and typed, ready to be stored. */
export interface CheckedFile {
  type: AttachmentType
  contentType: string
  fileName?: string
  body: Buffer
}

/**
 * Puts the bytes in the blob store before the message's transaction, as inbound
 * messages do: a crash between the two leaves an unreferenced blob, never a message
 * whose bytes are missing. Every copy of the message (sender's and recipients')
 * references the same blobs.
 */
export async function storeAttachments(blobs: BlobStore, files: CheckedFile[]): Promise<AttachmentDraft[]> {
  const drafts: AttachmentDraft[] = []
  for (const f of files) {
    const stored = await blobs.put(f.body)
    drafts.push({
      type: f.type,
      contentType: f.contentType,
      fileName: f.fileName,
      size: stored.size,
      blobKey: stored.key,
    })
  }
  return drafts
}

/** The `Text` attachment SMS and pager records carry (their text, also their `subject`). */
export function textFile(text: string): CheckedFile {
  return { type: 'Text', contentType: 'text/plain', body: Buffer.from(text, 'utf8') }
}

/** The file name's extension, lower case, without the dot. */
export function extensionOf(fileName: string | undefined): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName ?? '')
  return m ? m[1]!.toLowerCase() : ''
}

/** The media type without parameters, lower case; undefined when generic or missing. */
export function declaredType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase()
  if (!type || type === 'application/octet-stream') return undefined
  return type
}
