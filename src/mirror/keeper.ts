import type { Readable } from 'node:stream'

/** What the mirror needs of the store: keep a record as the source answered it, and its bytes. */
export interface MirrorKeeper {
  /**
   * Keeps `record` (as `GET …/message-store/{id}` answers it) in the mailbox of
   * `extension`, with its id and times; answers whether the store changed.
   */
  keepRecord(accountId: string, extension: SourceExtension, record: SourceRecord): Promise<boolean>
  /** Whether the bytes of this attachment are already here (downloaded once, never again). */
  hasContent(accountId: string, messageId: number, attachmentId: number): Promise<boolean>
  /** Stores the bytes of one attachment, read from `body`. */
  keepContent(accountId: string, messageId: number, attachmentId: number, body: Readable): Promise<void>
}

export interface SourceExtension {
  id: string
  extensionNumber: string | null
  name?: string
  type?: string
  status?: string
}

export interface SourceAttachment {
  id: number | string
  uri: string
  type?: string
  contentType?: string
  size?: number
}

export interface SourceRecord {
  id: number | string
  availability?: string
  attachments?: SourceAttachment[]
  [field: string]: unknown
}
