import type { StoreServices } from '../app/services.js'
import { KeepRefused, messageKeeperOf } from '../services/message-keeping/message-keeper.js'
import type { MirrorKeeper } from './keeper.js'

/** The store's message keeping (services/message-keeping), as the mirror uses it. */
export function storeKeeper(services: StoreServices): MirrorKeeper {
  const keeper = messageKeeperOf(services)
  return {
    async ensureMailbox(accountId, extension) {
      const { extensionId } = await keeper.ensureMailbox(accountId, {
        id: extension.id,
        extensionNumber: extension.extensionNumber,
        name: extension.name,
      })
      return { accountId, extensionId }
    },
    async keepRecords(mailbox, records) {
      let changed = 0
      const refused: string[] = []
      for (const result of await keeper.keepMessages(mailbox, records)) {
        if (result instanceof KeepRefused) refused.push(result.message)
        else if (result.outcome !== 'unchanged') changed += 1
      }
      return { changed, refused }
    },
    keptIds(mailbox, ids) {
      return keeper.keptIds(mailbox, ids)
    },
    missingContent(mailbox, after, limit) {
      return keeper.attachmentsWithoutBytes(mailbox, after, limit)
    },
    async storeContent(body) {
      return { messageId: 0, attachmentId: 0, blob: await keeper.storeBytes(body) }
    },
    async attachContent(mailbox, items) {
      await keeper.attachStoredBytes(items.map((item) => ({ ...item, mailbox })))
    },
  }
}
