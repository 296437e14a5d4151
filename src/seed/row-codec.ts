import {
  ATTACHMENT_INSERT_COLUMNS,
  type AttachmentInsertColumn,
  MESSAGE_INSERT_COLUMNS,
  type MessageInsertColumn,
} from '../storage/repositories/row-columns.js'
import type { SeedKind } from './plan.js'

/**
 * The columns written, each a number (`n`, NaN for null) or a string (`s`). Rows
 * cross from the worker as numbers only: strings become codes of a string table
 * that grows as new strings appear (most repeat: ids, enums, parties, texts), so
 * the writing thread decodes a batch without deserialising a string per cell.
 * A string the generator knows to be one of a kind (the delivery time of an SMS in
 * `extra`) is not kept in the table, which would only grow: it travels with its batch
 * and its cell holds a negative code, -1 for the batch's first such string.
 */
const MESSAGE_KIND: Record<Exclude<MessageInsertColumn, 'record'>, Kind> = {
  id: 'n',
  account_id: 's',
  extension_id: 's',
  type: 's',
  direction: 's',
  availability: 's',
  read_status: 's',
  message_status: 's',
  priority: 's',
  subject: 's',
  from_party: 's',
  to_parties: 's',
  party_digits: 's',
  conversation_id: 'n',
  creation_time: 'n',
  last_modified_time: 'n',
  change_seq: 'n',
  extra: 's',
}

const ATTACHMENT_KIND: Record<AttachmentInsertColumn, Kind> = {
  id: 'n',
  message_id: 'n',
  account_id: 's',
  position: 'n',
  type: 's',
  content_type: 's',
  file_name: 's',
  size: 'n',
  blob_key: 's',
  extra: 's',
}

type Kind = 'n' | 's'
export type Cell = string | number | null

/** `messages` cells as generated: the columns of row-columns.ts but the pre-rendered record, which comes last. */
const MESSAGE_FIELDS = MESSAGE_INSERT_COLUMNS.filter(
  (c): c is Exclude<MessageInsertColumn, 'record'> => c !== 'record',
)
const MESSAGE_KINDS: readonly Kind[] = MESSAGE_FIELDS.map((name) => MESSAGE_KIND[name])
const EXTRA_CELL = MESSAGE_FIELDS.indexOf('extra')
const ATTACHMENT_KINDS: readonly Kind[] = ATTACHMENT_INSERT_COLUMNS.map((name) => ATTACHMENT_KIND[name])

/** One transaction's worth of rows. */
export interface RowBatch {
  messages: number
  firstMessageId: number
  attachments: number
  firstAttachmentId: number
  /** Strings first used in this batch; they take the next codes of the string table, in order. */
  strings: string[]
  /** Strings used once, by negative codes: -1 is the first. */
  onceStrings: string[]
  /** `messages` rows, MESSAGE_FIELDS order (row-columns.ts but the record), strings as codes; the records are in `records`. */
  messageCells: Float64Array
  /** Every record of the batch, one after the other; `recordEnds[i]` is where message i's ends. */
  records: Uint8Array
  recordEnds: Uint32Array
  attachmentCells: Float64Array
  conversations: { id: number; accountId: string; participants: string; createdAt: number }[]
  /** Per mailbox touched: its change sequence before the batch and the number of messages added. */
  changes: { extensionId: string; before: number; added: number }[]
  byKind: Record<SeedKind, number>
}

/** Strings by code, on the side that generates rows. Code 0 is null. */
export class StringCodes {
  private readonly codes = new Map<string, number>()
  private fresh: string[] = []
  private once: string[] = []

  /** A code for a string of its own, that no other row will use. */
  onceCode(value: string): number {
    this.once.push(value)
    return -this.once.length
  }

  code(value: string | null): number {
    if (value === null) return 0
    let code = this.codes.get(value)
    if (code === undefined) {
      code = this.codes.size + 1
      this.codes.set(value, code)
      this.fresh.push(value)
    }
    return code
  }

  /** Strings coded since the last call. */
  takeFresh(): string[] {
    const fresh = this.fresh
    this.fresh = []
    return fresh
  }

  /** One-off strings coded since the last call. */
  takeOnce(): string[] {
    const once = this.once
    this.once = []
    return once
  }
}

/** Turns batches back into flat parameter lists, on the writing side. */
export class RowDecoder {
  private readonly strings: (string | null)[] = [null]

  /** Flat `messages` rows in MESSAGE_INSERT_COLUMNS order, the record pointing into the batch's bytes. */
  messages(batch: RowBatch): unknown[] {
    for (const s of batch.strings) this.strings.push(s)
    const values = decode(batch.messageCells, MESSAGE_KINDS, this.strings, batch.onceStrings, 1)
    const records = Buffer.from(batch.records.buffer, batch.records.byteOffset, batch.records.byteLength)
    const width = MESSAGE_INSERT_COLUMNS.length
    let start = 0
    for (let i = 0; i < batch.messages; i++) {
      const end = batch.recordEnds[i]!
      values[i * width + width - 1] = records.subarray(start, end)
      start = end
    }
    return values
  }

  /** Flat `attachments` rows; call after `messages` for the same batch. */
  attachments(batch: RowBatch): unknown[] {
    return decode(batch.attachmentCells, ATTACHMENT_KINDS, this.strings, batch.onceStrings, 0)
  }
}

function decode(
  cells: Float64Array,
  kinds: readonly Kind[],
  strings: (string | null)[],
  once: string[],
  spare: number,
) {
  const rows = cells.length / kinds.length
  const values: unknown[] = new Array(rows * (kinds.length + spare))
  let out = 0
  let at = 0
  for (let r = 0; r < rows; r++) {
    for (const kind of kinds) {
      const cell = cells[at++]!
      values[out++] =
        kind === 's' ? (cell < 0 ? once[-cell - 1] : strings[cell]) : Number.isNaN(cell) ? null : cell
    }
    out += spare
  }
  return values
}

/** Appends a `messages` row's cells (MESSAGE_FIELDS order); `extraOnce`: its `extra` is one of a kind. */
export function encodeMessage(row: Cell[], codes: StringCodes, cells: number[], extraOnce: boolean): void {
  encode(row, MESSAGE_KINDS, codes, cells, extraOnce ? EXTRA_CELL : -1)
}

/** Appends an `attachments` row's cells (ATTACHMENT_INSERT_COLUMNS order). */
export function encodeAttachment(row: Cell[], codes: StringCodes, cells: number[]): void {
  encode(row, ATTACHMENT_KINDS, codes, cells)
}

/** Appends a row's cells; `once`, when given, is the index of the row's one-off string. */
function encode(row: Cell[], kinds: readonly Kind[], codes: StringCodes, cells: number[], once = -1): void {
  for (let i = 0; i < kinds.length; i++) {
    const value = row[i] ?? null
    cells.push(
      kinds[i] === 'n'
        ? value === null
          ? Number.NaN
          : (value as number)
        : i === once
          ? codes.onceCode(value as string)
          : codes.code(value as string | null),
    )
  }
}
