import type { Kysely } from 'kysely'
import type { Clock } from '../domain/clock.js'
import { errors } from '../domain/errors.js'
import { parseRetentionPeriod } from '../domain/message/retention.js'
import { accountRetention, setRetentionPeriod } from '../storage/repositories/retention.js'
import { wakeSingletonJob } from '../storage/repositories/singleton-jobs.js'
import type { DB } from '../storage/schema.js'
import { RETENTION_SWEEP } from './retention.js'

export interface MessageStoreConfiguration {
  retentionPeriod?: number
}

/** An account's message store settings: `retentionPeriod`, in days, for faxes and voicemail. */
export class MessageStoreConfigurationService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /** Without a retention period set, none applies and the answer has none. */
  async read(accountId: string): Promise<MessageStoreConfiguration> {
    const account = await accountRetention(this.db, accountId)
    if (!account) throw errors.notFound('accountId')
    return account.retentionPeriod === null ? {} : { retentionPeriod: account.retentionPeriod }
  }

  /** Sets the period; the retention sweep runs at once to apply it. */
  async update(accountId: string, body: unknown): Promise<MessageStoreConfiguration> {
    const days = parseRetentionPeriod(body)
    if (!(await accountRetention(this.db, accountId))) throw errors.notFound('accountId')
    await setRetentionPeriod(this.db, accountId, days)
    await wakeSingletonJob(this.db, RETENTION_SWEEP.name, this.clock.now())
    return { retentionPeriod: days }
  }
}
