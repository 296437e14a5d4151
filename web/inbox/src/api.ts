/** Calls the admin API with the inbox cookie; a refused call throws its RingCentral error body's message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message)
  }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} }
  if (body instanceof FormData) init.body = body
  else if (body !== undefined) {
    init.body = JSON.stringify(body)
    ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
  }
  const res = await fetch(path, init)
  const text = await res.text()
  const parsed = text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined
  if (!res.ok) {
    const message = parsed?.message ?? `${res.status} ${res.statusText}`
    throw new ApiFailure(res.status, parsed?.errorCode, message)
  }
  return parsed as T
}

export interface Extension {
  id: string
  extensionNumber: string
  name: string
  type: string
  status: string
  phoneNumbers: string[]
}

export interface Account {
  id: string
  name: string
  mainNumber: string | null
  extensions: Extension[]
}

export interface Party {
  phoneNumber?: string
  extensionNumber?: string
  name?: string
  messageStatus?: string
}

export interface Attachment {
  id: string
  uri: string
  type: string
  contentType: string
  fileName?: string
  vmDuration?: number
  size?: number
}

export interface MessageRecord {
  id: string
  type: string
  direction: string
  availability: string
  readStatus: string
  messageStatus: string
  subject?: string
  from?: Party
  to?: Party[]
  creationTime: string
  lastModifiedTime: string
  conversationId?: string
  conversation?: { id: string }
  attachments?: Attachment[]
  faxPageCount?: number
  faxResolution?: string
  deliveryErrorCode?: string
  [key: string]: unknown
}

/** A folder's page by key (GET …/folders/{folder}/messages). */
export interface FolderPage {
  records: MessageRecord[]
  paging: { perPage: number; newer: string | null; older: string | null }
}

export interface Folder {
  name: string
  total: number
  unread: number
}

export const mailboxPath = (accountId: string, extensionId: string) =>
  `/admin/v1/accounts/${accountId}/extensions/${extensionId}`
