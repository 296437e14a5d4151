import { type Command, Option } from 'commander'
import { parseIsoDuration } from '../lib/iso.js'

/** How message store exports behave; part of the server's Config (`exports`). */
export interface ExportSettings {
  /** Most bytes in one attachment archive (the seed document: "each file size is max 1GB"). */
  readonly archiveMaxBytes: number
  /** How long (store clock, ms) the archives of a finished task stay downloadable. */
  readonly ttlMs: number
  /** How many report tasks are built at once, across every node sharing the store. */
  readonly concurrency: number
}

export interface ExportOptions {
  archiveMaxBytes?: string
  exportTtl?: string
  exportConcurrency?: string
}

export const GIB = 1024 * 1024 * 1024
/**
 * RingCentral does not publish how long report archives stay downloadable; seven days
 * leaves an administrator a working week to fetch them, and is easy to change.
 */
export const DEFAULT_TTL = 'P7D'
const DEFAULT_CONCURRENCY = 2

type Env = Record<string, string | undefined>

export class ExportSettingsError extends Error {}

export function loadExportSettings(opts: ExportOptions, env: Env): ExportSettings {
  const maxText = opts.archiveMaxBytes ?? env.MSGSTORE_ARCHIVE_MAX_BYTES
  const ttlText = opts.exportTtl ?? env.MSGSTORE_EXPORT_TTL ?? DEFAULT_TTL
  const ttlMs = parseIsoDuration(ttlText)
  if (ttlMs === undefined || ttlMs <= 0) {
    throw new ExportSettingsError(`--export-ttl: expected an ISO 8601 duration such as P7D, got ${ttlText}`)
  }
  const concurrencyText = opts.exportConcurrency ?? env.MSGSTORE_EXPORT_CONCURRENCY
  return Object.freeze({
    archiveMaxBytes: maxText === undefined ? GIB : parseByteSize(maxText, '--archive-max-bytes'),
    ttlMs,
    concurrency:
      concurrencyText === undefined
        ? DEFAULT_CONCURRENCY
        : positiveInteger(concurrencyText, '--export-concurrency'),
  })
}

/** `1073741824`, `512MB`, `1G`, `64KiB`: bytes, with K, M, G, T as powers of 1024. */
export function parseByteSize(text: string, name: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?|b)?\s*$/i.exec(text)
  const unit = m?.[2]?.toLowerCase()
  const value = m ? Math.floor(Number(m[1]) * 1024 ** (unit ? 'kmgt'.indexOf(unit) + 1 : 0)) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ExportSettingsError(`${name}: expected a size in bytes such as 1073741824 or 1G, got ${text}`)
  }
  return value
}

function positiveInteger(text: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1) {
    throw new ExportSettingsError(`${name}: expected a positive integer, got ${text}`)
  }
  return Number(text)
}

/** The export options of `msgstore serve`. */
export function addExportOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--archive-max-bytes <size>',
        'most bytes in one export attachment archive, e.g. 1G (default 1 GiB, MSGSTORE_ARCHIVE_MAX_BYTES)',
      ),
    )
    .addOption(
      new Option(
        '--export-ttl <duration>',
        'how long export archives stay downloadable, ISO 8601 (default P7D, MSGSTORE_EXPORT_TTL)',
      ),
    )
    .addOption(
      new Option(
        '--export-concurrency <n>',
        'report tasks built at once across all nodes (default 2, MSGSTORE_EXPORT_CONCURRENCY)',
      ),
    )
}
