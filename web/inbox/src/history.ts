import type { MessageRecord } from './api.js'

/** One stored change of a message (GET …/message-store/{id}/history). */
export interface StoredChange {
  changeNumber: number
  kind: 'new' | 'updated' | 'removed'
  availability?: string
  readStatus?: string
  messageStatus?: string
  at: string
}

export interface HistoryLine {
  at: string
  what: string
}

/**
 * A message's history in words: each stored change described by what moved since the
 * change before it (delivery step, read status, delete, restore, purge, removal). A
 * message stored without history (seeded in bulk, or before the store kept history)
 * shows its creation and last change from its record.
 */
export function describeHistory(record: MessageRecord | undefined, changes: StoredChange[]): HistoryLine[] {
  const lines: HistoryLine[] = []
  const first = changes[0]
  if (record && first?.kind !== 'new') {
    lines.push({ at: record.creationTime, what: `Created (${record.direction}), from the record` })
    if (changes.length === 0 && record.lastModifiedTime !== record.creationTime)
      lines.push({
        at: record.lastModifiedTime,
        what: `Last changed, from the record: ${record.messageStatus}, ${record.readStatus}, ${record.availability}`,
      })
  }
  let before: StoredChange | undefined
  for (const c of changes) {
    lines.push({ at: c.at, what: describe(before, c, record) })
    if (c.kind !== 'removed') before = c
  }
  return lines
}

function describe(before: StoredChange | undefined, c: StoredChange, record?: MessageRecord): string {
  if (c.kind === 'removed') return 'Removed from the store (purged or past retention)'
  if (c.kind === 'new')
    return `Created (${record?.direction ?? 'message'}, ${c.messageStatus}, ${c.readStatus})`
  if (!before) return `Changed: ${c.messageStatus}, ${c.readStatus}, ${c.availability}`
  const moved: string[] = []
  if (before.messageStatus !== c.messageStatus)
    moved.push(`Delivery: ${before.messageStatus} → ${c.messageStatus}`)
  if (before.readStatus !== c.readStatus) moved.push(`Marked ${c.readStatus}`)
  if (before.availability !== c.availability)
    moved.push(
      c.availability === 'Deleted'
        ? 'Deleted'
        : c.availability === 'Purged'
          ? 'Purged (content removed)'
          : before.availability === 'Deleted'
            ? 'Restored'
            : `${before.availability} → ${c.availability}`,
    )
  return moved.length ? moved.join(', ') : 'Updated (content or attachments)'
}
