import type { Readable } from 'node:stream'

/** A local mailbox: the account and the local extension id. */
export interface LocalMailbox {
  accountId: string
  extensionId: string
}

/** What the mirror needs of the store: a mailbox per source extension, records kept as the source answered them, and their bytes. */
export interface MirrorKeeper {
  /** The local mailbox of a source extension (made when the account has none of that id or number). */
  ensureMailbox(accountId: string, extension: SourceExtension): Promise<LocalMailbox>
  /**
   * Keeps records (as `GET …/message-store/{id}` answers them) with their ids and times;
   * a record kept before and unchanged changes nothing. Answers how many changed the
   * store, and why each refused record was refused.
   */
  keepRecords(mailbox: LocalMailbox, records: SourceRecord[]): Promise<{ changed: number; refused: string[] }>
  /** Which of the source's message `ids` are kept here already (in any state). */
  keptIds(mailbox: LocalMailbox, ids: number[]): Promise<Set<number>>
  /** Attachments of kept messages whose bytes are not here yet, after `after`, at most `limit`. */
  missingContent(
    mailbox: LocalMailbox,
    after: { messageId: number; attachmentId: number },
    limit: number,
  ): Promise<{ messageId: number; attachmentId: number }[]>
  /**
   * Stores the bytes of one attachment, read from `body`, in the blob store
   * (content-addressed: identical bytes once); `attachContent` points attachments at them.
   */
  storeContent(body: Readable): Promise<StoredContent>
  /** Points attachments at their stored bytes, all in one transaction (one durable commit). */
  attachContent(mailbox: LocalMailbox, items: StoredContent[]): Promise<void>
}

/** Bytes stored for one attachment, not yet pointed at. */
export interface StoredContent {
  messageId: number
  attachmentId: number
  blob: { key: string; size: number }
}

export interface SourceExtension {
  id: string
  extensionNumber?: string
  name?: string
  type?: string
  status?: string
}

export interface SourceRecord {
  id: number | string
  type?: string
  availability?: string
  [field: string]: unknown
}
