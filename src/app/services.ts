import type { Kysely } from 'kysely'
import type { BlobStore } from '../blobs/blob-store.js'
import { DbBlobStore } from '../blobs/db-blob-store.js'
import { FsBlobStore } from '../blobs/fs-blob-store.js'
import type { Config } from '../config/config.js'
import { type Clock, ManualClock, SystemClock } from '../domain/clock.js'
import { DbClockStore } from '../services/clock-store.js'
import { JobRunner } from '../jobs/runner.js'
import { InboundService } from '../services/inbound.js'
import { MessageStoreService } from '../services/message-store.js'
import { OAuthService } from '../services/oauth.js'
import { type ProvisionResult, provision } from '../services/provisioning.js'
import { serverSecret } from '../services/secrets-store.js'
import { type Database, openDatabase } from '../storage/database.js'
import type { DB } from '../storage/schema.js'

function createClock(config: Config, database: Database): Clock {
  if (config.clock !== 'manual') return new SystemClock()
  // Nodes sharing a database share the manual clock through it.
  return new ManualClock(
    Date.now(),
    database.dialect.sharedByNodes ? new DbClockStore(database.db) : undefined,
  )
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

export interface Services {
  config: Config
  database: Database
  db: Kysely<DB>
  blobs: BlobStore
  clock: Clock
  publicUrl: PublicUrl
  oauth: OAuthService
  inbound: InboundService
  messages: MessageStoreService
  jobs: JobRunner
  provision(file: unknown): Promise<ProvisionResult>
  close(): Promise<void>
}

/** The composition root: the one place that picks concrete database, blob store and clock. */
export async function createServices(config: Config): Promise<Services> {
  const database = await openDatabase(config.databaseUrl, { poolSize: config.poolSize })
  const db = database.db
  const clock = createClock(config, database)
  if (clock instanceof ManualClock) await clock.start()
  const blobs: BlobStore =
    config.blobStore === 'database' ? new DbBlobStore(db, () => clock.now()) : new FsBlobStore(config.dataDir)
  const publicUrl = new PublicUrl()
  if (config.publicUrl) publicUrl.set(config.publicUrl)
  const jwtSecret = await serverSecret(db, 'jwt')
  const jobs = new JobRunner(db, database.dialect, clock, {
    error: (obj, msg) => console.error(msg, obj),
  })
  return {
    config,
    database,
    db,
    blobs,
    clock,
    publicUrl,
    oauth: new OAuthService(db, clock, jwtSecret),
    inbound: new InboundService(db, blobs, clock),
    messages: new MessageStoreService(db, clock),
    jobs,
    provision: (file) => provision(db, file, clock.now()),
    close: async () => {
      await jobs.stop()
      await database.close()
    },
  }
}
