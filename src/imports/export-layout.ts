/**
 * The layout of message store export archives (RingCentral's, and msgstore's own:
 * exports/archive-writer.ts). Archive 0 holds one
 * `account/<a>/extension/<e>/message-store.json` per mailbox, `{"records":[…]}`; the
 * attachment archives hold `account/<a>/extension/<e>/message-store/content/<messageId>/<file>`.
 */

export type ExportEntry =
  | { kind: 'records'; accountId: string; extensionId: string }
  | { kind: 'content'; accountId: string; extensionId: string; messageId: number; file: string }

const RECORDS = /^\/?account\/([^/]+)\/extension\/([^/]+)\/message-store\.json$/
const CONTENT = /^\/?account\/([^/]+)\/extension\/([^/]+)\/message-store\/content\/(\d{1,16})\/([^/]+)$/

/** What an entry of an export archive is; undefined for any other entry. */
export function exportEntryOf(name: string): ExportEntry | undefined {
  const records = RECORDS.exec(name)
  if (records) return { kind: 'records', accountId: records[1]!, extensionId: records[2]! }
  const content = CONTENT.exec(name)
  if (content && Number.isSafeInteger(Number(content[3]))) {
    return {
      kind: 'content',
      accountId: content[1]!,
      extensionId: content[2]!,
      messageId: Number(content[3]),
      file: content[4]!,
    }
  }
  return undefined
}

/**
 * Which attachment of a message a content file holds. msgstore names the file
 * `<attachmentId>_<fileName>` or `<attachmentId>.<ext>`; a file named otherwise is the
 * attachment of the same file name, else the message's first attachment not yet given
 * bytes by this import.
 */
export function attachmentOfFile<A extends { id: number; fileName: string | null }>(
  file: string,
  attachments: A[],
  filled: ReadonlySet<number>,
): A | undefined {
  const prefix = /^(\d{1,16})(?:[_.]|$)/.exec(file)
  if (prefix) {
    const byId = attachments.find((a) => a.id === Number(prefix[1]))
    if (byId) return byId
  }
  return attachments.find((a) => a.fileName === file) ?? attachments.find((a) => !filled.has(a.id))
}
