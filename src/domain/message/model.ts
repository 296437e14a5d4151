/** The message as the store keeps it, in the API's own vocabulary. */

export const MESSAGE_TYPES = ['Fax', 'SMS', 'VoiceMail', 'Pager', 'Text'] as const
export const DIRECTIONS = ['Inbound', 'Outbound'] as const
export const AVAILABILITIES = ['Alive', 'Deleted', 'Purged'] as const
export const READ_STATUSES = ['Read', 'Unread'] as const
export const MESSAGE_STATUSES = [
  'Queued',
  'Sent',
  'Delivered',
  'DeliveryFailed',
  'SendingFailed',
  'Received',
] as const

export type MessageType = (typeof MESSAGE_TYPES)[number]
export type Direction = (typeof DIRECTIONS)[number]
export type Availability = (typeof AVAILABILITIES)[number]
export type ReadStatus = (typeof READ_STATUSES)[number]
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

export interface Party {
  phoneNumber?: string
  extensionNumber?: string
  extensionId?: string
  name?: string
  location?: string
  /** Outbound copies: this recipient's own delivery state (`to[].messageStatus` of the API). */
  messageStatus?: MessageStatus
  /** Outbound faxes: why sending to this recipient failed. */
  faxErrorCode?: string
}

export type AttachmentType =
  | 'AudioRecording'
  | 'AudioTranscription'
  | 'Text'
  | 'SourceDocument'
  | 'RenderedDocument'
  | 'MmsAttachment'

export interface Attachment {
  id: number
  type: AttachmentType
  contentType: string
  fileName?: string
  size: number
  vmDuration?: number
  width?: number
  height?: number
}

/**
 * Fields that appear only for some types (`vm…`, `fax…`, `sms…`, `pg…`) and delivery
 * details. Kept as the record's own names so that rendering is a copy.
 */
export interface MessageExtra {
  vmTranscriptionStatus?: string
  faxPageCount?: number
  faxResolution?: string
  coverIndex?: number
  coverPageText?: string
  smsDeliveryTime?: string
  smsSendingAttemptsCount?: number
  deliveryErrorCode?: string
  pgToDepartment?: boolean
}

export interface Message {
  id: number
  accountId: string
  extensionId: string
  type: MessageType
  direction: Direction
  availability: Availability
  readStatus: ReadStatus
  messageStatus: MessageStatus
  priority: 'Normal' | 'High'
  subject?: string
  from?: Party
  to: Party[]
  conversationId?: number
  creationTime: number
  lastModifiedTime: number
  extra: MessageExtra
  attachments: Attachment[]
}
