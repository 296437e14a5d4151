import type { Readable } from 'node:stream'
import { pipeline, Transform } from 'node:stream'
import type { MailboxKey } from '../domain/mailbox.js'
import { collectGarbage } from '../lib/collect-garbage.js'
import {
  KeepRefused,
  type MessageKeeper,
  type SourceExtension,
  type StoredBytes,
} from '../services/message-keeping/message-keeper.js'
import type { KeptAttachment } from '../storage/repositories/kept-attachments.js'
import { ArchiveRefused, eachEntry, survey } from './export-archives.js'
import { attachmentOfFile } from './export-layout.js'
import { jsonRecords } from './json-records.js'

/**
 * `msgstore import`: message store export archives (RingCentral's or msgstore's own) into
 * the mailboxes of one account, through the message keeper. Every archive is checked
 * first (a file that is not an export archive is refused before anything is written);
 * then the records of every `message-store.json`, a batch per transaction; then the
 * attachment bytes. Records and bytes stream out of the zip entries, so memory stays
 * flat at any size. Each batch commits on its own and keeping is idempotent, so an
 * interrupted import is simply run again: what was kept is found unchanged.
 */

/** Records kept per transaction: one durable commit per batch. */
const RECORD_BATCH = 250
/** Attachments whose bytes are written at once (blob files are flushed in parallel). */
const BYTES_IN_FLIGHT = 4
/** Attachments given their stored bytes per transaction. */
const ATTACH_BATCH = 200
/** Refusals quoted in the summary; the rest are counted. */
const QUOTED_REFUSALS = 20

export interface ImportProgress {
  /** Once the archives are surveyed: the uncompressed bytes of the entries to read. */
  onPlanned?(bytes: number): void
  /** Uncompressed bytes read (or skipped) since the last call. */
  onBytes?(bytes: number): void
}

export interface ImportSummary {
  accountId: string
  archives: number
  mailboxes: { matched: number; created: number }
  messages: { created: number; changed: number; unchanged: number; refused: number }
  attachments: { stored: number; unchanged: number; purged: number; withoutMessage: number }
  /** The first refusals, each naming its archive entry. */
  refusals: string[]
  /** Uncompressed bytes of the entries read. */
  bytes: number
  seconds: number
  megabytesPerSecond: number
  /** Largest resident set size of this process (bytes). */
  peakRssBytes: number
}

export async function importArchives(
  keeper: MessageKeeper,
  accountId: string,
  files: string[],
  progress: ImportProgress = {},
): Promise<ImportSummary> {
  const started = performance.now()
  const summary: ImportSummary = {
    accountId,
    archives: files.length,
    mailboxes: { matched: 0, created: 0 },
    messages: { created: 0, changed: 0, unchanged: 0, refused: 0 },
    attachments: { stored: 0, unchanged: 0, purged: 0, withoutMessage: 0 },
    refusals: [],
    bytes: 0,
    seconds: 0,
    megabytesPerSecond: 0,
    peakRssBytes: 0,
  }
  const refuse = (why: string) => {
    if (summary.refusals.length < QUOTED_REFUSALS) summary.refusals.push(why)
  }
  const planned = await survey(files)
  progress.onPlanned?.(planned)
  const read = (n: number) => {
    summary.bytes += n
    progress.onBytes?.(n)
  }

  /** Source extension id → local mailbox. */
  const mailboxes = new Map<string, MailboxKey>()
  const mailboxOf = async (source: SourceExtension): Promise<MailboxKey> => {
    let mailbox = mailboxes.get(source.id)
    if (!mailbox) {
      const found = await keeper.ensureMailbox(accountId, source)
      if (found.created) summary.mailboxes.created++
      else summary.mailboxes.matched++
      mailbox = { accountId: found.accountId, extensionId: found.extensionId }
      mailboxes.set(source.id, mailbox)
    }
    return mailbox
  }

  // Records first: bytes are kept for attachments the records have declared.
  for (const file of files) {
    await eachEntry(file, 'records', async (entry, info, open) => {
      const where = `${file}: ${info.name}`
      let mailbox: MailboxKey | undefined
      let batch: unknown[] = []
      const flush = async () => {
        if (batch.length === 0) return
        mailbox ??= await mailboxOf({ id: entry.extensionId, ...ownerOf(batch) })
        const results = await keeper.keepMessages(mailbox, batch)
        for (const [i, r] of results.entries()) {
          if (r instanceof KeepRefused) {
            summary.messages.refused++
            refuse(
              `${where}: ${r.message.replace(/^record \d+/, `record ${recordNumber - batch.length + i}`)}`,
            )
          } else summary.messages[r.outcome]++
        }
        batch = []
        // Each batch's rows and records are garbage by now: collected before the next piles up.
        collectGarbage()
      }
      let recordNumber = 0
      const records = jsonRecords(counted(await open(), read))
      for (;;) {
        let next: IteratorResult<unknown>
        try {
          next = await records.next()
        } catch (err) {
          throw new ArchiveRefused(
            `${where}: not a readable message store document (${(err as Error).message})`,
          )
        }
        if (next.done) break
        batch.push(next.value)
        recordNumber++
        if (batch.length === RECORD_BATCH) await flush()
      }
      await flush()
    })
    collectGarbage()
  }

  // Bytes are written a few at a time (each blob file is flushed), and attached in
  // batches: one transaction for many attachments.
  const pending: StoredBytes[] = []
  const attach = async () => {
    const items = pending.splice(0)
    if (items.length === 0) return
    for (const outcome of await keeper.attachStoredBytes(items)) {
      if (outcome === 'unknown') summary.attachments.withoutMessage++
      else summary.attachments[outcome]++
    }
    // The streams' buffers are garbage outside the heap, which V8 lets grow by tens of
    // megabytes before it collects; a full collection per batch keeps the peak flat
    // (as the export does per archive, lib/collect-garbage.ts).
    collectGarbage()
  }
  for (const file of files) {
    let current:
      | { messageId: number; attachments: KeptAttachment[] | undefined; filled: Set<number> }
      | undefined
    const inFlight = new Set<Promise<void>>()
    await eachEntry(
      file,
      'content',
      async (entry, info, open) => {
        const mailbox = mailboxes.get(entry.extensionId)
        if (current?.messageId !== entry.messageId) {
          current = {
            messageId: entry.messageId,
            attachments: mailbox ? await keeper.attachmentsOf(mailbox, entry.messageId) : undefined,
            filled: new Set(),
          }
        }
        const attachment =
          current.attachments && attachmentOfFile(entry.file, current.attachments, current.filled)
        if (!mailbox || !attachment) {
          summary.attachments.withoutMessage++
          refuse(`${file}: ${info.name}: no kept message ${entry.messageId} with this attachment`)
          read(info.uncompressedSize)
          return
        }
        current.filled.add(attachment.id)
        // Bytes of the same size already kept (a second run): not read again.
        if (attachment.hasBytes && attachment.size === info.uncompressedSize) {
          summary.attachments.unchanged++
          read(info.uncompressedSize)
          return
        }
        const stream = counted(await open(), read)
        const work = keeper.storeBytes(stream).then((blob) => {
          pending.push({ mailbox, messageId: entry.messageId, attachmentId: attachment.id, blob })
        })
        const tracked = work.finally(() => inFlight.delete(tracked))
        inFlight.add(tracked)
        if (inFlight.size >= BYTES_IN_FLIGHT) await Promise.race(inFlight)
        if (pending.length >= ATTACH_BATCH) await attach()
      },
      async () => {
        // Every write of this archive ends before it is closed; the first failure fails the import.
        const outcomes = await Promise.allSettled(inFlight)
        const failed = outcomes.find((o) => o.status === 'rejected')
        if (failed) throw failed.reason
      },
    )
    await attach()
  }

  summary.seconds = (performance.now() - started) / 1000
  summary.megabytesPerSecond = summary.seconds > 0 ? summary.bytes / 1e6 / summary.seconds : 0
  summary.peakRssBytes = process.resourceUsage().maxRSS * 1024
  return summary
}

/** `source`, reporting the bytes that pass. */
function counted(source: Readable, onBytes: (n: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length)
      done(null, chunk)
    },
  })
  return pipeline(source, counter, () => {})
}

/**
 * The extension a mailbox's records name as their owner, when they do: the sender of an
 * Outbound message, or the single recipient of an Inbound one, by extension number.
 * An export names mailboxes by extension id only; the number lets an account whose
 * extension ids differ from the source's match its extensions by number.
 */
function ownerOf(records: unknown[]): Omit<SourceExtension, 'id'> {
  const party = (p: unknown) =>
    typeof p === 'object' &&
    p !== null &&
    typeof (p as { extensionNumber?: unknown }).extensionNumber === 'string'
      ? (p as { extensionNumber: string; name?: unknown })
      : undefined
  for (const r of records as Record<string, unknown>[]) {
    const owner =
      r?.direction === 'Outbound'
        ? party(r.from)
        : Array.isArray(r?.to) && r.to.length === 1
          ? party(r.to[0])
          : undefined
    if (owner) {
      return {
        extensionNumber: owner.extensionNumber,
        ...(typeof owner.name === 'string' ? { name: owner.name } : {}),
      }
    }
  }
  return {}
}
