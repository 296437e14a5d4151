import { type Command, Option } from 'commander'
import { parseIsoDuration } from '../lib/iso.js'
import { MirrorStateRepository } from '../storage/repositories/mirror-state.js'
import { withStore } from './offline.js'
import { addStoreOptions, type StoreOptions } from './store-options.js'

interface MirrorCommandOptions extends StoreOptions {
  source: string
  clientId: string
  clientSecret: string
  jwt: string
  account: string
  once?: boolean
  keepDeleted?: boolean
  concurrency: string
  interval: string
  syncRecords: string
}

/**
 * `msgstore mirror`: keeps a local account in step with an account on another
 * RingCentral-compatible server (docs/mirror.md). Runs until SIGINT/SIGTERM, or one pass
 * with `--once` (exit code 1 when a mailbox failed).
 */
export function registerMirrorCommand(program: Command): void {
  addStoreOptions(
    program
      .command('mirror')
      .description('keep a local account in step with an account on another RingCentral-compatible server')
      .requiredOption('--source <url>', 'the source server, e.g. https://platform.ringcentral.com')
      .requiredOption('--client-id <id>', "the source app's client id")
      .requiredOption('--client-secret <secret>', "the source app's client secret")
      .requiredOption('--jwt <jwt>', 'JWT credential of a SuperAdmin on the source (jwt-bearer grant)')
      .requiredOption('--account <id>', 'the local account the mailboxes are kept in')
      .addOption(new Option('--once', 'one pass over every mailbox, then exit'))
      .addOption(
        new Option(
          '--keep-deleted',
          'a message deleted on the source stays Alive here (default: it becomes Deleted)',
        ),
      )
      .addOption(new Option('--concurrency <n>', 'mailboxes synced at once').default('4'))
      .addOption(
        new Option(
          '--sync-records <n>',
          'records asked for per sync answer of a full copy (FSync recordCount, then ISyncs widening by as many)',
        ).default('1000'),
      )
      .addOption(
        new Option('--interval <duration>', 'ISO 8601 duration between passes over every mailbox').default(
          'PT5M',
        ),
      ),
  ).action(async (opts: MirrorCommandOptions) => {
    // Loaded when the command runs, not on every start of msgstore (see cli/program.ts).
    const [{ Mirror }, { SourceClient }, { storeKeeper }] = await Promise.all([
      import('../mirror/mirror.js'),
      import('../mirror/source.js'),
      import('../mirror/store-keeper.js'),
    ])
    const concurrency = Number(opts.concurrency)
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw new Error('--concurrency: expected a whole number from 1 to 64')
    const syncRecords = Number(opts.syncRecords)
    if (!Number.isInteger(syncRecords) || syncRecords < 1 || syncRecords > 100_000)
      throw new Error('--sync-records: expected a whole number from 1 to 100000')
    const intervalMs = parseIsoDuration(opts.interval)
    if (intervalMs === undefined || intervalMs < 1000)
      throw new Error('--interval: expected an ISO 8601 duration of at least a second, such as PT5M')
    let sourceUrl: URL
    try {
      sourceUrl = new URL(opts.source)
    } catch {
      throw new Error(`--source: not a URL: ${opts.source}`)
    }
    const failed = await withStore(
      opts,
      async (services) => {
        const account = await services.db
          .selectFrom('accounts')
          .select('id')
          .where('id', '=', opts.account)
          .executeTakeFirst()
        if (!account) throw new Error(`--account: no account ${opts.account} in this store`)
        const report = (line: string) => console.log(line)
        const source = new SourceClient({
          server: sourceUrl.toString().replace(/\/+$/, ''),
          clientId: opts.clientId,
          clientSecret: opts.clientSecret,
          jwt: opts.jwt,
          reserve: concurrency,
          onRetry: (what, reason, waitMs) =>
            report(
              `mirror: ${reason} from the source on ${what}; trying again in ${(waitMs / 1000).toFixed(1)} s`,
            ),
        })
        const mirror = new Mirror(source, storeKeeper(services), new MirrorStateRepository(services.db), {
          accountId: opts.account,
          source: sourceUrl.toString(),
          keepDeleted: Boolean(opts.keepDeleted),
          syncRecords,
          concurrency,
          intervalMs,
          now: () => services.clock.now(),
          report,
        })
        if (opts.once) return (await mirror.once()).failed
        const stop = () => void mirror.stop()
        // @rc-ex/ws retries a dropped socket from a timer and rethrows a refused REST call
        // there; the periodic pass subscribes again, so such a failure is reported, not fatal.
        process.on('unhandledRejection', (e) => report(`mirror: event socket: ${(e as Error)?.message ?? e}`))
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
        await mirror.follow()
        await mirror.stop()
        return 0
      },
      { sharedStore: true },
    )
    if (failed > 0) process.exitCode = 1
  })
}
