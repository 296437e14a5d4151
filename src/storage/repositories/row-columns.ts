import type { Insertable } from 'kysely'
import type { AttachmentsTable, MessagesTable } from '../schema.js'

/**
 * The columns a new `messages` row is written with, in one order. `insertMessage` writes
 * them by name (messages.ts), the seed's bulk writer (seed/) as rows of values in this
 * order, the pre-rendered record last. A column that a new row must be given goes here,
 * and the type check then points at both writers.
 */
export const MESSAGE_INSERT_COLUMNS = [
  'id',
  'account_id',
  'extension_id',
  'type',
  'direction',
  'availability',
  'read_status',
  'message_status',
  'priority',
  'subject',
  'from_party',
  'to_parties',
  'party_digits',
  'conversation_id',
  'creation_time',
  'last_modified_time',
  'change_seq',
  'extra',
  'record',
] as const satisfies readonly (keyof MessagesTable)[]

/** The columns a new `attachments` row is written with, in one order (as MESSAGE_INSERT_COLUMNS). */
export const ATTACHMENT_INSERT_COLUMNS = [
  'id',
  'message_id',
  'account_id',
  'position',
  'type',
  'content_type',
  'file_name',
  'size',
  'blob_key',
  'extra',
] as const satisfies readonly (keyof AttachmentsTable)[]

export type MessageInsertColumn = (typeof MESSAGE_INSERT_COLUMNS)[number]
export type AttachmentInsertColumn = (typeof ATTACHMENT_INSERT_COLUMNS)[number]

/** A new message row as the API writes it: every insert column, the id left to the database. */
export type NewMessageRow = { [K in Exclude<MessageInsertColumn, 'id'>]: Insertable<MessagesTable>[K] }
/** A new attachment row as the API writes it (as NewMessageRow). */
export type NewAttachmentRow = {
  [K in Exclude<AttachmentInsertColumn, 'id'>]: Insertable<AttachmentsTable>[K]
}
