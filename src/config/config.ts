import path from 'node:path'
import { type MailboxCaps, RINGCENTRAL_CAPS } from '../domain/message/retention.js'
import { type ExportOptions, type ExportSettings, loadExportSettings } from '../exports/settings.js'
import { parseIsoDuration } from '../lib/iso.js'
import {
  loadNotificationSettings,
  type NotificationOptions,
  type NotificationSettings,
} from '../notifications/settings.js'
import type { ControlSettings } from '../test-controls/controls.js'
import { type ControlOptions, loadControlSettings } from '../test-controls/settings.js'
import { loadTestHooks, type TestHooks } from './test-hooks.js'

/** Everything `msgstore serve` needs, resolved once from flags, environment and defaults. */
export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  /** `sqlite:PATH` or `postgres://…` */
  readonly databaseUrl: string
  readonly provisionFile?: string
  readonly adminToken: string
  /** Generated when not given; the CLI prints it once. */
  readonly adminTokenGenerated: boolean
  /** Base of every `uri` field; undefined means `http://HOST:PORT` once the port is known. */
  readonly publicUrl?: string
  readonly demo: boolean
  readonly clock: 'system' | 'manual'
  readonly logLevel: string
  /** Where attachment bytes live: on disk under the data folder, or in the database (shared by nodes). */
  readonly blobStore: 'fs' | 'database'
  /** PostgreSQL connections per node. */
  readonly poolSize: number
  /** Other processes serve the same SQLite store at the same time (docs/processes.md). */
  readonly sharedStore: boolean
  /** How long a message stays Deleted before it is purged (ms of store clock; `--purge-after`). */
  readonly purgeAfter: number
  /** How long a message stays Purged before it is removed for good (ms; `--remove-after`). */
  readonly removeAfter: number
  /** The longest the retention sweep waits between passes (ms; `--retention-interval`). */
  readonly retentionInterval: number
  /** How many messages a mailbox folder keeps (`--text-folder-cap`, `--fax-voicemail-inbox-cap`). */
  readonly mailboxCaps: MailboxCaps
  /** Message store exports: archive size, expiry, concurrency. */
  readonly exports: ExportSettings
  /** Test controls: the request journal's size and the rate limits. */
  readonly controls: ControlSettings
  /** Subscriptions: the webhook timeout. */
  readonly notifications: NotificationSettings
  /** `GET /metrics` without the admin token (`--metrics-open`). */
  readonly metricsOpen: boolean
  /** msgstore's own crash tests (config/test-hooks.ts); empty unless a MSGSTORE_TEST_* variable is set. */
  readonly testHooks: TestHooks
  /** A file every database statement is appended to (MSGSTORE_STATEMENT_LOG; storage/statement-log.ts). */
  readonly statementLog?: string
}

export class ConfigError extends Error {}

/** `--database sqlite::memory:`: a throw-away store that lives and dies with the process. */
export const IN_MEMORY = 'sqlite::memory:'

export interface ServeOptions extends ExportOptions, ControlOptions, NotificationOptions {
  port?: string
  host?: string
  data?: string
  database?: string
  provision?: string
  adminToken?: string
  publicUrl?: string
  demo?: boolean
  clock?: string
  logLevel?: string
  blobStore?: string
  poolSize?: string
  sharedStore?: boolean
  purgeAfter?: string
  removeAfter?: string
  retentionInterval?: string
  textFolderCap?: string
  faxVoicemailInboxCap?: string
  metricsOpen?: boolean
}

type Env = Record<string, string | undefined>

/**
 * Flags win over environment variables, which win over defaults. Bad values are
 * refused with a message naming the option, never silently replaced.
 */
export function loadConfig(opts: ServeOptions, env: Env, randomToken: () => string): Config {
  const portText = opts.port ?? env.MSGSTORE_PORT ?? '8080'
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`--port: not a port number: ${portText}`)
  const host = opts.host ?? env.MSGSTORE_HOST ?? '127.0.0.1'
  const givenDatabase = opts.database ?? env.MSGSTORE_DATABASE_URL
  const dataDir = path.resolve(opts.data ?? env.MSGSTORE_DATA ?? sqliteFolder(givenDatabase) ?? './data')
  const databaseUrl = givenDatabase ?? `sqlite:${path.join(dataDir, 'msgstore.db')}`
  if (!/^sqlite:|^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`--database: expected sqlite:PATH or postgres://…, got ${databaseUrl}`)
  }
  const logLevel = opts.logLevel ?? env.MSGSTORE_LOG_LEVEL ?? 'warn'
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`)
  }
  const clock = opts.clock ?? env.MSGSTORE_CLOCK ?? 'system'
  if (clock !== 'system' && clock !== 'manual')
    throw new ConfigError(`--clock: expected system or manual, got ${clock}`)
  const publicUrl = opts.publicUrl ?? env.MSGSTORE_PUBLIC_URL
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError(`--public-url: not an http(s) URL: ${publicUrl}`)
  }
  const givenToken = opts.adminToken ?? env.MSGSTORE_ADMIN_TOKEN
  const demo =
    opts.demo === false
      ? false
      : env.MSGSTORE_DEMO === undefined
        ? true
        : !/^(0|false|no|off)$/i.test(env.MSGSTORE_DEMO)
  const blobStore =
    opts.blobStore ??
    env.MSGSTORE_BLOB_STORE ??
    // An in-memory store keeps attachment bytes in its database too: nothing outlives the process.
    (databaseUrl.startsWith('sqlite:') && databaseUrl !== IN_MEMORY ? 'fs' : 'database')
  if (blobStore !== 'fs' && blobStore !== 'database') {
    throw new ConfigError(`--blob-store: expected fs or database, got ${blobStore}`)
  }
  const poolText = opts.poolSize ?? env.MSGSTORE_DB_POOL ?? '10'
  if (!/^\d+$/.test(poolText) || Number(poolText) < 1)
    throw new ConfigError(`--pool-size: expected a positive integer, got ${poolText}`)
  const purgeAfter = durationOption('--purge-after', opts.purgeAfter ?? env.MSGSTORE_PURGE_AFTER ?? 'P5D', 0)
  const removeAfter = durationOption(
    '--remove-after',
    opts.removeAfter ?? env.MSGSTORE_REMOVE_AFTER ?? 'P5D',
    0,
  )
  const retentionInterval = durationOption(
    '--retention-interval',
    opts.retentionInterval ?? env.MSGSTORE_RETENTION_INTERVAL ?? 'PT1M',
    1000,
  )
  const mailboxCaps: MailboxCaps = {
    textFolder: countOption(
      '--text-folder-cap',
      opts.textFolderCap ?? env.MSGSTORE_TEXT_FOLDER_CAP ?? String(RINGCENTRAL_CAPS.textFolder),
    ),
    faxVoicemailInbox: countOption(
      '--fax-voicemail-inbox-cap',
      opts.faxVoicemailInboxCap ??
        env.MSGSTORE_FAX_VOICEMAIL_INBOX_CAP ??
        String(RINGCENTRAL_CAPS.faxVoicemailInbox),
    ),
  }
  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    provisionFile: opts.provision ?? env.MSGSTORE_PROVISION,
    adminToken: givenToken ?? randomToken(),
    adminTokenGenerated: givenToken === undefined,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    demo,
    clock,
    logLevel,
    blobStore,
    poolSize: Number(poolText),
    sharedStore: opts.sharedStore === true || /^(1|true|yes|on)$/i.test(env.MSGSTORE_SHARED_STORE ?? ''),
    purgeAfter,
    removeAfter,
    retentionInterval,
    mailboxCaps,
    exports: loadExportSettings(opts, env),
    controls: loadControlSettings(opts, env),
    notifications: notificationSettings(opts, env),
    metricsOpen: opts.metricsOpen ?? /^(1|true|yes|on)$/i.test(env.MSGSTORE_METRICS_OPEN ?? ''),
    statementLog: env.MSGSTORE_STATEMENT_LOG || undefined,
    testHooks: loadTestHooks(env),
  })
}

/** pino's levels; `silent` turns logging off. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/**
 * The folder of a `sqlite:PATH` database given without `--data`: attachment files and
 * export archives are kept beside the database file rather than in `./data`.
 */
export function sqliteFolder(databaseUrl: string | undefined): string | undefined {
  if (!databaseUrl?.startsWith('sqlite:')) return undefined
  const file = databaseUrl.slice('sqlite:'.length)
  return file === ':memory:' || file === '' ? undefined : path.dirname(path.resolve(file))
}

function notificationSettings(opts: NotificationOptions, env: Env): NotificationSettings {
  try {
    return loadNotificationSettings(opts, env)
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
}

/** A positive whole number option. */
function countOption(name: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new ConfigError(`${name}: expected a positive integer, got ${text}`)
  return Number(text)
}

/** An ISO 8601 duration option (`P5D`, `PT12H`) in milliseconds, at least `min`. */
function durationOption(name: string, text: string, min: number): number {
  const ms = parseIsoDuration(text)
  if (ms === undefined || ms < min) {
    throw new ConfigError(`${name}: expected an ISO 8601 duration such as P5D or PT12H, got ${text}`)
  }
  return ms
}
