import type { MailboxPath } from '../../../../domain/mailbox.js'

/** The path's `{accountId}` and `{extensionId}`, as written (`~` for the caller's own). */
export type MailboxParams = MailboxPath

export interface MessageParams extends MailboxParams {
  messageId: string
}

/** `…/message-store/{id1},{id2},…` — the ids of a bulk request, in request order. */
export function splitIds(text: string): string[] {
  return text.split(',').map((id) => id.trim())
}
