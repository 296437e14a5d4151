import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { inboxLoginUrl, launchBrowser, NO_CHROMIUM } from '../helpers/browser.js'
import { databaseFor, MAIN, type RunningServer, startServer, tempDir } from '../helpers/server.js'

const MESSAGES = 100_000

/**
 * A mailbox of 100,000 messages from `msgstore seed` opens and pages in the browser. The
 * time of each view (from the click to the page drawn) is printed, not asserted: speed
 * belongs to benchmarks, and this machine's load varies.
 */
describe('web inbox on a mailbox of 100,000 messages', { skip: NO_CHROMIUM }, () => {
  let server: RunningServer
  let browser: Browser
  let page: Page
  const times: [string, number][] = []

  before(async () => {
    const dataDir = tempDir('msgstore-inbox-large-')
    const database = await databaseFor(dataDir)
    const store = ['--data', dataDir, ...(database ? ['--database', database] : [])]
    // Seeding 100,000 messages outlasts the CLI helper's time limit on a loaded machine.
    await promisify(execFile)(
      process.execPath,
      [
        MAIN,
        'seed',
        ...store,
        '--accounts',
        '1',
        '--extensions',
        '1',
        '--messages',
        String(MESSAGES),
        '--json',
      ],
      { env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error' }, timeout: 600_000 },
    )
    server = await startServer({ dataDir })
    browser = await launchBrowser()
    page = await (await browser.newContext()).newPage()
    await page.goto(await inboxLoginUrl(server))
    await page.getByRole('heading', { name: 'Accounts' }).waitFor()
  })
  after(async () => {
    if (times.length) {
      console.log(
        `web inbox, ${MESSAGES} messages (${process.env.MSGSTORE_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}):`,
      )
      for (const [view, ms] of times) console.log(`  ${view.padEnd(36)} ${ms.toFixed(0).padStart(5)} ms`)
    }
    await browser?.close()
    await server?.stop()
  })

  /** Runs `act`, then waits for the view it leads to; records the time between. */
  const timed = async (view: string, act: () => Promise<unknown>, shown: () => Promise<unknown>) => {
    const started = performance.now()
    await act()
    await shown()
    times.push([view, performance.now() - started])
  }
  const pageLabel = (text: RegExp) => page.locator('#page-label', { hasText: text }).waitFor()

  it('opens the mailbox and pages through it', async () => {
    const mailbox = page
      .getByRole('navigation', { name: 'Accounts and extensions' })
      .getByRole('link')
      .first()
    await timed(
      'open the mailbox (All, page 1)',
      async () => {
        const href = await mailbox.getAttribute('href')
        await page.goto(new URL(`/inbox/${href!.replace('f=Inbox', 'f=All')}`, page.url()).toString())
      },
      () => pageLabel(/^Page 1 of \d+/),
    )
    const total = Number(/of (\d+)/.exec(await page.locator('#page-label').innerText())![1])
    assert.ok(total * 50 >= MESSAGES * 0.5, `${total} pages of 50 for about ${MESSAGES} messages`)
    await timed(
      'next page',
      () => page.getByRole('link', { name: 'Next' }).click(),
      () => pageLabel(/^Page 2 of/),
    )
    await timed(
      'last page',
      () => page.getByRole('link', { name: 'Last' }).click(),
      () => pageLabel(new RegExp(`^Page ${total} of`)),
    )
    await timed(
      'previous page',
      () => page.getByRole('link', { name: 'Previous' }).click(),
      () => pageLabel(new RegExp(`^Page ${total - 1} of`)),
    )
    await timed(
      'Inbox folder',
      () => page.getByRole('link', { name: /^Inbox \d/ }).click(),
      () => page.locator('.tab[aria-current="page"]', { hasText: 'Inbox' }).waitFor(),
    )
    await timed(
      'filter: type Fax',
      async () => {
        await page.getByLabel('Type', { exact: true }).selectOption('Fax')
        await page.getByRole('button', { name: 'Apply' }).click()
      },
      () => page.waitForURL(/type=Fax/).then(() => pageLabel(/^Page 1 of/)),
    )
    await timed(
      'open a message',
      () => page.locator('table.messages tbody a').first().click(),
      () => page.locator('#message-state').waitFor(),
    )
    assert.ok((await page.locator('table.messages tbody tr').count()) > 0, 'the filtered page lists messages')
  })
})
