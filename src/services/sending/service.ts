import type { Kysely } from 'kysely'
import type { BlobStore } from '../../blobs/blob-store.js'
import type { Clock } from '../../domain/clock.js'
import { errors } from '../../domain/errors.js'
import type { MailboxPath } from '../../domain/mailbox.js'
import type { Message } from '../../domain/message/model.js'
import type { Principal } from '../../domain/principal.js'
import type { DB } from '../../storage/schema.js'
import { asEnvelope, type IncomingFile } from './envelope.js'
import { sendFax } from './fax.js'
import { resendFax } from './fax-resend.js'
import { sendPager } from './pager.js'
import { resolveSender } from './sender.js'
import { sendSms } from './sms.js'

export interface SendingDeps {
  db: Kysely<DB>
  blobs: BlobStore
  clock: Clock
}

/**
 * The four sending endpoints. Each answers the sender's own copy of the new message
 * (its record is rendered by the caller). Who may send is settled first: the app's
 * permission (checked by the REST scope), then the path, which must name the caller.
 */
export class SendingService {
  constructor(private readonly deps: SendingDeps) {}

  /** `/sms`: SMS, or MMS when the multipart body carries files. */
  async sms(
    principal: Principal,
    path: MailboxPath,
    body: unknown,
    files: IncomingFile[] = [],
  ): Promise<Message> {
    const sender = await resolveSender(this.deps.db, principal, path.accountId, path.extensionId)
    return sendSms(this.deps, sender, asEnvelope(body), files)
  }

  /** `/mms`: like `/sms`, but the attachments are required. */
  async mms(principal: Principal, path: MailboxPath, body: unknown, files: IncomingFile[]): Promise<Message> {
    const sender = await resolveSender(this.deps.db, principal, path.accountId, path.extensionId)
    const envelope = asEnvelope(body)
    if (files.length === 0) throw errors.required('attachment')
    return sendSms(this.deps, sender, envelope, files)
  }

  /** `/fax` in multipart form: documents; in JSON: a re-send or forward of an earlier fax. */
  async fax(
    principal: Principal,
    path: MailboxPath,
    body: unknown,
    files: IncomingFile[] | undefined,
  ): Promise<Message> {
    const sender = await resolveSender(this.deps.db, principal, path.accountId, path.extensionId)
    const envelope = asEnvelope(body)
    if (files === undefined) return resendFax(this.deps, sender, envelope)
    return sendFax(this.deps, sender, envelope, files)
  }

  /** `/company-pager`. */
  async pager(principal: Principal, path: MailboxPath, body: unknown): Promise<Message> {
    const sender = await resolveSender(this.deps.db, principal, path.accountId, path.extensionId)
    return sendPager(this.deps, sender, asEnvelope(body))
  }
}
