import { type Command, Option } from 'commander'
import { SEED_APP, SEED_PASSWORD } from '../seed/seed-account.js'
import type { SeedResult } from '../seed/seed-store.js'
import { withStore } from './offline.js'
import { addStoreOptions, type StoreOptions } from './store-options.js'

interface SeedCommandOptions extends StoreOptions {
  accounts: string
  extensions: string
  messages: string
  days: string
  batch: string
  json?: boolean
  worker: boolean
}

/** `msgstore seed`: fills a store with synthetic accounts, extensions and messages. */
export function registerSeedCommand(program: Command): void {
  addStoreOptions(
    program
      .command('seed')
      .description(
        'fill a store with synthetic accounts, extensions and messages of every type, attachments included',
      )
      .addOption(new Option('--accounts <n>', 'accounts to create').default('1'))
      .addOption(new Option('--extensions <n>', 'extensions (users) per account').default('10'))
      .addOption(new Option('--messages <n>', 'messages in all, spread over every mailbox').default('10000'))
      .addOption(
        new Option('--days <n>', 'spread creation times over this many days before now').default('30'),
      )
      .addOption(new Option('--batch <n>', 'messages per transaction').default('5000'))
      .addOption(new Option('--no-worker', 'generate the rows in the writing thread (slower; for diagnosis)'))
      .addOption(new Option('--json', 'print the summary as JSON (the progress bar still goes to stderr)')),
  ).action(async (opts: SeedCommandOptions) => {
    // Loaded when the command runs, not on every start of msgstore (see cli/program.ts).
    const [{ default: cliProgress }, { seedStore }] = await Promise.all([
      import('cli-progress'),
      import('../seed/seed-store.js'),
    ])
    const options = {
      accounts: count(opts.accounts, '--accounts', 1),
      extensions: count(opts.extensions, '--extensions', 1),
      messages: count(opts.messages, '--messages', 0),
      days: count(opts.days, '--days', 1),
      batchSize: count(opts.batch, '--batch', 1),
      worker: opts.worker,
    }
    await withStore(opts, async (services) => {
      const bar = new cliProgress.SingleBar(
        {
          format:
            'seeding {bar} {percentage}% | {value}/{total} messages | {rate} msg/s | ETA {eta_formatted}{phase}',
          hideCursor: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      )
      let barStarted: number | undefined
      const result = await seedStore(services, options, (done, phase) => {
        if (barStarted === undefined) {
          barStarted = performance.now()
          bar.start(options.messages, 0, { rate: '-', phase: '' })
        }
        const seconds = (performance.now() - barStarted) / 1000
        bar.update(done, {
          rate: seconds > 0 ? Math.round(done / seconds).toLocaleString('en-US') : '-',
          // The indexes are built after the last batch: a pause at 100% that is not a hang.
          phase: phase === 'indexing' ? ' | building indexes' : '',
        })
      })
      bar.stop()
      console.log(opts.json ? JSON.stringify(summaryJson(result), null, 2) : summaryText(result))
    })
  })
}

function count(text: string, name: string, min: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name}: expected an integer of at least ${min}, got ${text}`)
  }
  return value
}

function rate(result: SeedResult): number {
  return result.messagesMs > 0 ? Math.round(result.messages / (result.messagesMs / 1000)) : 0
}

function summaryJson(result: SeedResult) {
  return {
    app: SEED_APP,
    password: SEED_PASSWORD,
    messages: result.messages,
    byKind: result.byKind,
    attachments: result.attachments,
    conversations: result.conversations,
    blobs: result.blobs,
    seconds: { setup: result.setupMs / 1000, messages: result.messagesMs / 1000 },
    messagesPerSecond: rate(result),
    accounts: result.accounts,
  }
}

function summaryText(result: SeedResult): string {
  const n = (v: number) => v.toLocaleString('en-US')
  const plural = (v: number, word: string) => `${n(v)} ${word}${v === 1 ? '' : 's'}`
  const extensions = result.accounts.reduce((sum, a) => sum + a.extensions.length, 0)
  const first = result.accounts[0]
  const user = first?.extensions[0]
  const lines = [
    `seeded ${plural(result.accounts.length, 'account')}, ${plural(extensions, 'extension')}, ${plural(result.messages, 'message')}`,
    `  by type: ${Object.entries(result.byKind)
      .map(([kind, c]) => `${kind} ${n(c)}`)
      .join(', ')}`,
    `  ${n(result.attachments)} attachments (${n(result.blobs.count)} distinct blobs, ${n(result.blobs.bytes)} bytes), ${n(result.conversations)} conversations`,
    `  setup ${(result.setupMs / 1000).toFixed(1)} s; messages ${(result.messagesMs / 1000).toFixed(1)} s, ${n(rate(result))} messages/s`,
    `login: client id ${SEED_APP.clientId}, client secret ${SEED_APP.clientSecret}, every user's password ${SEED_PASSWORD}`,
  ]
  if (first && user) {
    lines.push(
      `  e.g. username ${user.phoneNumber} (extension ${user.extensionNumber}, ${user.name}, account ${first.id} "${first.name}")`,
      `  account main numbers: ${result.accounts
        .slice(0, 5)
        .map((a) => a.mainNumber)
        .join(
          ', ',
        )}${result.accounts.length > 5 ? ', …' : ''}; extensions 101-${100 + first.extensions.length}`,
    )
  }
  return lines.join('\n')
}
