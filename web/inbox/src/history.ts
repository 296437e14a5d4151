import type { MessageRecord } from './api.js'

export interface HistoryEntry {
  at: string
  what: string
}

/**
 * A message's changes as this page has seen them: creation from the record, then each
 * change the event stream announced (with its store time), described by what moved
 * between the record before and after.
 */
export class History {
  private readonly seen = new Map<string, { record: MessageRecord; entries: HistoryEntry[] }>()

  /** Remembers a record; when it differs from the one seen before, notes what changed at `at`. */
  see(record: MessageRecord, at = record.lastModifiedTime): void {
    const before = this.seen.get(String(record.id))
    if (!before) {
      const entries: HistoryEntry[] = [
        { at: record.creationTime, what: `Created (${record.direction}, ${record.messageStatus})` },
      ]
      if (record.lastModifiedTime !== record.creationTime)
        entries.push({
          at: record.lastModifiedTime,
          what: `Last modified: ${record.messageStatus}, ${record.readStatus}, ${record.availability}`,
        })
      this.seen.set(String(record.id), { record, entries })
      return
    }
    const changes: string[] = []
    for (const key of ['messageStatus', 'readStatus', 'availability'] as const) {
      if (before.record[key] !== record[key]) changes.push(`${key} ${before.record[key]} → ${record[key]}`)
    }
    if (changes.length) before.entries.push({ at, what: changes.join(', ') })
    before.record = record
  }

  removed(id: string, at: string): void {
    this.seen.get(id)?.entries.push({ at, what: 'Removed from the store (purged or past retention)' })
  }

  of(record: MessageRecord): HistoryEntry[] {
    return this.seen.get(String(record.id))?.entries ?? []
  }
}
