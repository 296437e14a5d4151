import { Command, Option } from 'commander'
import { ConfigError } from '../config/config.js'
import { ApiError } from '../domain/errors.js'
import { addExportOptions } from '../exports/settings.js'
import type { HttpExtensions } from '../http/server.js'
import { packageVersion } from '../lib/version.js'
import { addControlOptions } from '../test-controls/settings.js'
import { registerBackupCommand } from './backup.js'
import { registerExportCommand } from './export.js'
import { registerImportCommand } from './import.js'
import { registerMirrorCommand } from './mirror.js'
import { withStore } from './offline.js'
import { registerRestoreCommand } from './restore.js'
import { registerSeedCommand } from './seed.js'
import { applyProvisionFile, serve } from './serve.js'
import { addStoreOptions } from './store-options.js'

/**
 * The msgstore command line. Each command's options are registered here; what only one
 * command needs (the mirror's SDK clients, the seed, import, backup and restore, the
 * progress bars, the PostgreSQL driver on SQLite) is loaded when that command runs, so
 * that `serve` and every other command start without it. `extensions` are for programs
 * that embed it (the benchmark's server, bench/server.ts); main.ts runs it as it is.
 */
export function runCli(argv: string[], extensions: HttpExtensions = {}): void {
  buildProgram(extensions)
    .parseAsync(argv)
    .catch((err: unknown) => {
      if (err instanceof ConfigError || err instanceof ApiError || err instanceof Error) {
        console.error(`msgstore: ${err.message}`)
      } else {
        console.error('msgstore:', err)
      }
      process.exit(1)
    })
}

/** Every command and its options, not yet run (test/e2e/docs-coverage.test.ts reads their help). */
export function buildProgram(extensions: HttpExtensions = {}): Command {
  const program = new Command()
  program
    .name('msgstore')
    .description('A self-hosted message store speaking the RingCentral Message Store API')
    .version(packageVersion(), '-V, --version', 'print the version')

  addControlOptions(addExportOptions(program.command('serve')))
    .description('run the server')
    .addOption(new Option('--port <n>', 'listening port; 0 picks a free one (default 8080, MSGSTORE_PORT)'))
    .addOption(new Option('--host <h>', 'listening address (default 127.0.0.1, MSGSTORE_HOST)'))
    .addOption(
      new Option(
        '--data <dir>',
        'folder of the embedded database and attachments (default ./data, MSGSTORE_DATA)',
      ),
    )
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (MSGSTORE_DATABASE_URL)'))
    .addOption(new Option('--provision <file>', 'apply a provisioning file at start (MSGSTORE_PROVISION)'))
    .addOption(
      new Option(
        '--admin-token <t>',
        'bearer token of the admin API (MSGSTORE_ADMIN_TOKEN; random if unset)',
      ),
    )
    .addOption(new Option('--public-url <url>', 'base of every uri in responses (MSGSTORE_PUBLIC_URL)'))
    .addOption(new Option('--no-demo', 'do not create the demo account in an empty store (MSGSTORE_DEMO=0)'))
    .addOption(
      new Option('--clock <mode>', 'system, or manual: a clock only the admin API moves (MSGSTORE_CLOCK)'),
    )
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug (MSGSTORE_LOG_LEVEL)'))
    .addOption(
      new Option(
        '--blob-store <kind>',
        'fs (SQLite default) or database (PostgreSQL default) (MSGSTORE_BLOB_STORE)',
      ),
    )
    .addOption(
      new Option('--pool-size <n>', 'PostgreSQL connections per node, default 10 (MSGSTORE_DB_POOL)'),
    )
    .addOption(
      new Option('--shared-store', 'other processes serve the same SQLite store too (MSGSTORE_SHARED_STORE)'),
    )
    .addOption(
      new Option(
        '--purge-after <duration>',
        'ISO 8601 duration a message stays Deleted before it is purged, default P5D (MSGSTORE_PURGE_AFTER)',
      ),
    )
    .addOption(
      new Option(
        '--remove-after <duration>',
        'ISO 8601 duration a message stays Purged before it is removed, default P5D (MSGSTORE_REMOVE_AFTER)',
      ),
    )
    .addOption(
      new Option(
        '--retention-interval <duration>',
        'longest wait between retention sweeps (mailbox limits), default PT1M (MSGSTORE_RETENTION_INTERVAL)',
      ),
    )
    .addOption(
      new Option(
        '--text-folder-cap <count>',
        'text messages kept in each mailbox folder, oldest removed first, default 5000 (MSGSTORE_TEXT_FOLDER_CAP)',
      ),
    )
    .addOption(
      new Option(
        '--fax-voicemail-inbox-cap <count>',
        'faxes and voice messages kept in an Inbox, default 200 (MSGSTORE_FAX_VOICEMAIL_INBOX_CAP)',
      ),
    )
    .addOption(
      new Option(
        '--webhook-timeout <duration>',
        'bounds the webhook handshake and each delivery, default PT3S (MSGSTORE_WEBHOOK_TIMEOUT)',
      ),
    )
    .addOption(
      new Option(
        '--ws-idle-timeout <duration>',
        'a WebSocket with no frame from its client this long is closed (WSG-902), default PT30M (MSGSTORE_WS_IDLE_TIMEOUT)',
      ),
    )
    .addOption(
      new Option(
        '--ws-absolute-timeout <duration>',
        'a WebSocket session is closed this long after it began (WSG-903), default P1D (MSGSTORE_WS_ABSOLUTE_TIMEOUT)',
      ),
    )
    .addOption(
      new Option(
        '--ws-recovery-timeout <duration>',
        'how long a dropped WebSocket session can be recovered with wsc, default PT180S (MSGSTORE_WS_RECOVERY_TIMEOUT)',
      ),
    )
    .addOption(
      new Option('--metrics-open', 'serve GET /metrics without the admin token (MSGSTORE_METRICS_OPEN=1)'),
    )
    .action(async (opts) => serve(opts, extensions))

  addStoreOptions(
    program
      .command('provision')
      .description('apply a provisioning file to a store')
      .argument('<file>', 'provisioning file (JSON)'),
  ).action(async (file: string, opts) => {
    await withStore(opts, async (services) => {
      await applyProvisionFile(services.provision, file)
      console.log(`provisioned ${file}`)
    })
  })

  addStoreOptions(
    program
      .command('jwt')
      .description('print a JWT credential for the jwt-bearer grant')
      .requiredOption('--account <id>', 'account id')
      .requiredOption('--extension <id>', 'extension id'),
  ).action(async (opts) => {
    await withStore(opts, async (services) => {
      console.log(await services.oauth.issueJwt(opts.account, opts.extension))
    })
  })

  registerSeedCommand(program)
  registerExportCommand(program)
  registerImportCommand(program)
  registerBackupCommand(program)
  registerRestoreCommand(program)
  registerMirrorCommand(program)
  return program
}
