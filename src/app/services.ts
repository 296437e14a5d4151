import { type Kysely, sql } from 'kysely'
import { type Logger, pino } from 'pino'
import type { BlobStore } from '../blobs/blob-store.js'
import { DbBlobStore } from '../blobs/db-blob-store.js'
import { FsBlobStore } from '../blobs/fs-blob-store.js'
import type { Config } from '../config/config.js'
import { type Clock, ManualClock, SystemClock } from '../domain/clock.js'
import { JobRunner } from '../jobs/runner.js'
import { logRedaction } from '../lib/log-redaction.js'
import { type MirrorMailboxStatus, mirrorStatus } from '../mirror/status.js'
import { Notifications } from '../notifications/notifications.js'
import { Metrics } from '../observability/metrics.js'
import { AccountDirectory } from '../services/account-directory.js'
import { DbClockStore } from '../services/clock-store.js'
import { ExportService } from '../services/exports/report-api.js'
import { InboundService } from '../services/inbound.js'
import { InboxDirectory } from '../services/inbox/directory.js'
import { InboxFolders } from '../services/inbox/folders.js'
import { InboxLogin } from '../services/inbox/login.js'
import { MailboxAccess } from '../services/mailbox-access.js'
import { MessageChangesService } from '../services/message-changes.js'
import { MessageContentService } from '../services/message-content.js'
import { MessageStoreService } from '../services/message-store.js'
import { MessageStoreConfigurationService } from '../services/message-store-configuration.js'
import { OAuthService } from '../services/oauth/oauth.js'
import { type ProvisionResult, provision } from '../services/provisioning/provisioning.js'
import { serverSecret } from '../services/secrets-store.js'
import { deliveryStepJob } from '../services/sending/delivery.js'
import { faxDispatchJob } from '../services/sending/fax.js'
import { SendingService } from '../services/sending/service.js'
import { registerSweeps, scheduleSweeps } from '../services/sweeps.js'
import { SyncService } from '../services/sync.js'
import { type Database, openDatabase } from '../storage/database.js'
import { releaseJobLeases } from '../storage/repositories/jobs.js'
import type { DB } from '../storage/schema.js'
import { setStatementLog } from '../storage/statement-log.js'
import { TestControls } from '../test-controls/controls.js'

function createClock(config: Config, database: Database): Clock {
  if (config.clock !== 'manual') return new SystemClock()
  // Kept in the database on every dialect: nodes sharing one share the clock through it,
  // and a restart resumes from the stored time, so the clock never goes backwards.
  return new ManualClock(Date.now(), new DbClockStore(database.db), database.dialect.sharedByNodes)
}

/** The public base URL; known only once the server listens when the port is picked at random. */
export class PublicUrl {
  private text = ''
  private buffer = Buffer.alloc(0)

  set(url: string): void {
    this.text = url.replace(/\/+$/, '')
    this.buffer = Buffer.from(this.text)
  }

  get value(): string {
    return this.text
  }

  get bytes(): Buffer {
    return this.buffer
  }
}

/**
 * What the HTTP layer is given: use cases, never the database (see StoreServices).
 */
export interface Services {
  config: Config
  blobs: BlobStore
  clock: Clock
  publicUrl: PublicUrl
  oauth: OAuthService
  inbound: InboundService
  messages: MessageStoreService
  /** Read status and the Alive → Deleted → Purged life cycle. */
  messageChanges: MessageChangesService
  /** Attachment bytes. */
  attachments: MessageContentService
  /** Message sync (FSync / ISync). */
  sync: SyncService
  /** An account's message store settings (retention period). */
  storeConfiguration: MessageStoreConfigurationService
  /** The sms, mms, fax and company-pager endpoints. */
  sending: SendingService
  /** Message store reports: export tasks and their zip archives. */
  exports: ExportService
  jobs: JobRunner
  /** Reset, request journal, fault rules, token expiry, rate limits (the admin API's test controls). */
  controls: TestControls
  /** Subscriptions, webhooks and the WebSocket gateway. */
  notifications: Notifications
  /** The web inbox's logins (one-time codes, the browser cookie), its directory of mailboxes and their folders. */
  inbox: { login: InboxLogin; directory: InboxDirectory; folders: InboxFolders }
  log: Logger
  /** The series of `GET /metrics`; notifications set theirs through it. */
  metrics: Metrics
  /** Which mailbox a request names, and whether the caller may open it. */
  mailboxes: MailboxAccess
  /** The account, its extensions and phone numbers as the account API shows them. */
  accounts: AccountDirectory
  /** What `msgstore mirror` has done, per mirrored mailbox. */
  mirrorStatus(accountId?: string): Promise<MirrorMailboxStatus[]>
  /** Whether the database answers (`GET /healthz`). */
  healthy(): Promise<boolean>
  provision(file: unknown): Promise<ProvisionResult>
  close(): Promise<void>
}

/** The composition root's whole: the services and the database under them, for the CLI, seed and bench. */
export interface StoreServices extends Services {
  database: Database
  db: Kysely<DB>
}

/** The composition root: the one place that picks concrete database, blob store and clock. */
export async function createServices(config: Config): Promise<StoreServices> {
  setStatementLog(config.statementLog)
  const database = await openDatabase(config.databaseUrl, {
    poolSize: config.poolSize,
    shared: config.sharedStore,
  })
  const db = database.db
  const clock = createClock(config, database)
  if (clock instanceof ManualClock) await clock.start()
  const blobs: BlobStore =
    config.blobStore === 'database'
      ? new DbBlobStore(db, () => clock.now(), database.dialect.supportsRowLocks)
      : new FsBlobStore(config.dataDir, () => clock.now())
  const publicUrl = new PublicUrl()
  if (config.publicUrl) publicUrl.set(config.publicUrl)
  const jwtSecret = await serverSecret(db, 'jwt')
  const log = pino({ level: config.logLevel, ...logRedaction })
  const jobs = new JobRunner({
    db,
    dialect: database.dialect,
    clock,
    log,
    syncClock: clock instanceof ManualClock && clock.shared ? () => clock.refresh() : undefined,
  })
  jobs.register(deliveryStepJob())
  jobs.register(faxDispatchJob())
  // A single-node store has no other runner: claims left by a process that died are
  // void, so its jobs run again now rather than when their lease runs out.
  if (!database.dialect.sharedByNodes) await releaseJobLeases(db)
  // The message life cycle over time: purge, removal, retention (see services/sweeps.ts).
  const changes = new MessageChangesService(db, blobs, clock)
  registerSweeps(jobs, {
    purgeAfter: config.purgeAfter,
    removeAfter: config.removeAfter,
    interval: config.retentionInterval,
    caps: config.mailboxCaps,
    releaseBlobs: (keys) => changes.releaseBlobs(keys),
  })
  await scheduleSweeps(db, clock.now())
  const exports = new ExportService({
    db,
    blobs,
    clock,
    publicUrl,
    settings: config.exports,
    stallAfterArchive: config.testHooks.exportStallAfterArchive,
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    blobStore: config.blobStore,
    log,
  })
  exports.registerJobs(jobs)
  // Nodes sharing a database each see a revocation at once only by reading every token.
  const oauth = new OAuthService(db, clock, jwtSecret, { cachePrincipals: !database.dialect.sharedByNodes })
  const provisionFile = async (file: unknown) => {
    const result = await provision(db, file, clock.now(), database.dialect)
    oauth.forgetPrincipals()
    return result
  }
  const controls = new TestControls(config.controls, {
    db,
    dialect: database.dialect,
    clock,
    releaseBlobs: (keys) => changes.releaseBlobs(keys),
    discardArchives: (taskId, locations) => exports.discardArchives(taskId, locations),
    scheduleWork: () => scheduleSweeps(db, clock.now()),
    forgetPrincipals: () => oauth.forgetPrincipals(),
    provisionFile: config.provisionFile,
    provision: provisionFile,
  })
  await controls.start()
  const notifications = new Notifications({
    db,
    dialect: database.dialect,
    clock,
    publicUrl,
    oauth,
    settings: config.notifications,
    databaseUrl: config.databaseUrl,
    wsKey: await serverSecret(db, 'ws-token'),
    log,
    faults: controls.faults,
  })
  return {
    config,
    database,
    db,
    blobs,
    clock,
    publicUrl,
    oauth,
    inbound: new InboundService(db, blobs, clock),
    messages: new MessageStoreService(db, database.dialect, clock),
    messageChanges: changes,
    attachments: new MessageContentService(db, blobs),
    sync: new SyncService(db, database.dialect, clock, await serverSecret(db, 'sync-token')),
    storeConfiguration: new MessageStoreConfigurationService(db, clock),
    sending: new SendingService({ db, blobs, clock }),
    exports,
    jobs,
    controls,
    notifications,
    inbox: {
      login: new InboxLogin(config.adminToken),
      directory: new InboxDirectory(db),
      folders: new InboxFolders(db, database.dialect),
    },
    log,
    metrics: new Metrics(db, clock),
    mailboxes: new MailboxAccess(db),
    accounts: new AccountDirectory(db),
    mirrorStatus: (accountId) => mirrorStatus(db, clock, accountId),
    healthy: async () => {
      try {
        await sql`select 1`.execute(db)
        return true
      } catch {
        return false
      }
    },
    provision: provisionFile,
    close: async () => {
      controls.stop()
      await notifications.stop()
      await jobs.stop()
      await database.close()
    },
  }
}
