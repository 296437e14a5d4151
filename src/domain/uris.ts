import type { MailboxKey } from './mailbox.js'

/**
 * The paths of the resources msgstore hands out in `uri` fields and navigation links, each
 * written once. A `uri` is the public URL's base (or the record's base mark) followed by one
 * of these. Requests msgstore makes to RingCentral (mirror) spell their own paths.
 */
export const API_ROOT = '/restapi/v1.0'

export const accountPath = (accountId: string) => `${API_ROOT}/account/${accountId}`

export const extensionPath = (accountId: string, extensionId: string) =>
  `${accountPath(accountId)}/extension/${extensionId}`

/** `…/message-store` of one mailbox. */
export const messageStorePath = (mailbox: MailboxKey) =>
  `${extensionPath(mailbox.accountId, mailbox.extensionId)}/message-store`

export const messagePath = (mailbox: MailboxKey, messageId: number | string) =>
  `${messageStorePath(mailbox)}/${messageId}`

export const reportPath = (accountId: string, taskId: string) =>
  `${accountPath(accountId)}/message-store-report/${taskId}`

export const subscriptionPath = (id?: string) => `${API_ROOT}/subscription${id === undefined ? '' : `/${id}`}`

export const conversationPath = (conversationId: string | number) =>
  `${API_ROOT}/conversation/${conversationId}`

export const dictionaryPath = (kind: string, id: string) => `${API_ROOT}/dictionary/${kind}/${id}`
