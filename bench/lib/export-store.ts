import { randomBytes } from 'node:crypto'
import { createServices } from '../../src/app/services.js'
import { loadConfig } from '../../src/config/config.js'
import { conversationIdOf } from '../../src/domain/message/conversation.js'
import type { AttachmentDraft, MessageDraft } from '../../src/storage/repositories/messages.js'
import { insertMessage } from '../../src/storage/repositories/messages.js'

/**
 * The account the export bench archives: `messages` messages over `extensions` mailboxes
 * and 30 days, `attachmentBytes` of media in all (voicemail, fax and MMS pictures of
 * varied sizes, each its own blob) beside the small text attachment of every SMS.
 * Written straight through the store's repositories: the export is measured, not this.
 */

export const EXPORT_ACCOUNT = {
  id: '5001',
  app: { clientId: 'export-bench', clientSecret: 'export-bench-secret' },
  admin: { username: '+16508000101', password: 'export-bench-password' },
}

export interface ExportStoreOptions {
  messages: number
  attachmentBytes: number
  /** Mailboxes; enough that no mailbox passes RingCentral's size limits (retention would purge). */
  extensions: number
}

export interface ExportStoreSummary {
  accountId: string
  messages: number
  attachments: number
  attachmentBytes: number
  seconds: number
}

const DAY = 86_400_000
const TEXTS = Array.from(
  { length: 200 },
  (_, i) => `Message ${i}: the delivery window is ${8 + (i % 10)}:00-${10 + (i % 10)}:00.`,
)

export async function buildExportStore(
  dataDir: string,
  opts: ExportStoreOptions,
): Promise<ExportStoreSummary> {
  const started = performance.now()
  const services = await createServices(loadConfig({ data: dataDir, demo: false }, {}, () => 'bench'))
  try {
    const extensions = Array.from({ length: opts.extensions }, (_, i) => ({
      id: String(81000 + i),
      extensionNumber: String(101 + i),
      name: `Export User ${i + 1}`,
      role: i === 0 ? 'SuperAdmin' : 'User',
      password: EXPORT_ACCOUNT.admin.password,
      phoneNumbers: [`+1650800${String(101 + i).padStart(4, '0')}`],
    }))
    await services.provision({
      accounts: [{ id: EXPORT_ACCOUNT.id, name: 'Export Bench Inc', mainNumber: '+16508000100', extensions }],
      apps: [
        {
          ...EXPORT_ACCOUNT.app,
          name: 'Export bench',
          grantTypes: ['password'],
          permissions: ['ReadMessages'],
        },
      ],
    })
    // A tenth of the messages carry media; their sizes vary by a factor of ten around the mean.
    const mediaCount = Math.max(1, Math.round(opts.messages / 10))
    const weights = Array.from({ length: mediaCount }, () => 0.2 + Math.random() * 1.8)
    const scale = opts.attachmentBytes / weights.reduce((a, b) => a + b, 0)
    const now = services.clock.now()
    let attachments = 0
    let bytes = 0
    let media = 0
    const BATCH = 500
    for (let start = 0; start < opts.messages; start += BATCH) {
      const drafts: MessageDraft[] = []
      for (let i = start; i < Math.min(opts.messages, start + BATCH); i++) {
        const mailbox = extensions[Math.floor(Math.random() * extensions.length)]!
        const from = `+1415555${String(i % 10_000).padStart(4, '0')}`
        const creationTime = now - Math.floor(Math.random() * 30 * DAY)
        const kind = i % 10 === 0 ? (['VoiceMail', 'Fax', 'MMS'] as const)[(i / 10) % 3]! : 'SMS'
        const list: AttachmentDraft[] = []
        // Every text its own, as in a real mailbox: one small blob per SMS.
        const text = `${TEXTS[i % TEXTS.length]} Ref ${i}.`
        if (kind === 'SMS' || kind === 'MMS') {
          const stored = await services.blobs.put(Buffer.from(text))
          list.push({ type: 'Text', contentType: 'text/plain', size: stored.size, blobKey: stored.key })
        }
        if (kind !== 'SMS') {
          const size = Math.max(1, Math.round(weights[media++]! * scale))
          const stored = await services.blobs.put(randomBytes(size))
          list.push({
            type:
              kind === 'VoiceMail' ? 'AudioRecording' : kind === 'Fax' ? 'RenderedDocument' : 'MmsAttachment',
            contentType:
              kind === 'VoiceMail' ? 'audio/x-wav' : kind === 'Fax' ? 'application/pdf' : 'image/jpeg',
            fileName:
              kind === 'VoiceMail'
                ? undefined
                : `${kind.toLowerCase()}-${i}.${kind === 'Fax' ? 'pdf' : 'jpg'}`,
            size: stored.size,
            blobKey: stored.key,
            vmDuration: kind === 'VoiceMail' ? 5 + (i % 60) : undefined,
          })
        }
        attachments += list.length
        bytes += list.reduce((sum, a) => sum + a.size, 0)
        const type = kind === 'MMS' ? 'SMS' : kind
        const conversationId =
          type === 'SMS' ? conversationIdOf(EXPORT_ACCOUNT.id, [from, mailbox.phoneNumbers[0]!]) : undefined
        drafts.push({
          accountId: EXPORT_ACCOUNT.id,
          extensionId: mailbox.id,
          type,
          direction: 'Inbound',
          availability: 'Alive',
          readStatus: i % 3 ? 'Read' : 'Unread',
          messageStatus: 'Received',
          priority: 'Normal',
          subject: type === 'SMS' ? text : undefined,
          from: { phoneNumber: from },
          to: [{ phoneNumber: mailbox.phoneNumbers[0]!, name: mailbox.name }],
          conversationId,
          participants: conversationId ? [from, mailbox.phoneNumbers[0]!] : undefined,
          creationTime,
          extra:
            type === 'VoiceMail'
              ? { vmTranscriptionStatus: 'NotAvailable' }
              : type === 'Fax'
                ? { faxPageCount: 1 }
                : {},
          attachments: list,
        })
      }
      await services.db.transaction().execute(async (trx) => {
        for (const draft of drafts) await insertMessage(trx, draft, now)
      })
      const done = Math.min(opts.messages, start + BATCH)
      if (done % 10_000 === 0 || done === opts.messages)
        console.log(`export bench store: ${done}/${opts.messages} messages`)
    }
    return {
      accountId: EXPORT_ACCOUNT.id,
      messages: opts.messages,
      attachments,
      attachmentBytes: bytes,
      seconds: (performance.now() - started) / 1000,
    }
  } finally {
    await services.close()
  }
}
