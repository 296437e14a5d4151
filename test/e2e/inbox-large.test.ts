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
  /** Per view: the test's own time to see it, and the page's times (performance marks) from the click. */
  const times: { view: string; wall: number; list?: number; counts?: number; message?: number }[] = []

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
      const load = (await import('node:os')).loadavg().map((n) => n.toFixed(2))
      console.log(
        `web inbox, ${MESSAGES} messages (${process.env.MSGSTORE_TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}), load average ${load.join(' ')}:`,
      )
      console.log(
        `  ${'view'.padEnd(40)} ${'list'.padStart(7)} ${'counts'.padStart(7)} ${'detail'.padStart(7)} ${'test'.padStart(7)}`,
      )
      const ms = (n: number | undefined) => (n === undefined ? '' : `${n.toFixed(0)} ms`).padStart(7)
      for (const t of times)
        console.log(`  ${t.view.padEnd(40)} ${ms(t.list)} ${ms(t.counts)} ${ms(t.message)} ${ms(t.wall)}`)
    }
    await browser?.close()
    await server?.stop()
  })

  /**
   * Runs `act`, waits for the view it leads to, and records the time between: as the
   * page measures it, from the user's click (or, for a page opened afresh, from the
   * start of its navigation) to its performance marks: the list drawn, the counts and
   * page total drawn, a message's detail drawn; and as this test sees it, which adds
   * the browser driver's round trips.
   */
  const timed = async (
    view: string,
    act: () => Promise<unknown>,
    shown: () => Promise<unknown>,
    marks: Mark[] = ['list', 'counts'],
  ) => {
    await page.evaluate(() => {
      performance.clearMarks()
      const w = window as unknown as { clickedAt?: number }
      w.clickedAt = undefined
      document.addEventListener(
        'click',
        () => {
          w.clickedAt = performance.now()
        },
        { capture: true, once: true },
      )
    })
    const wallStarted = performance.now()
    await act()
    await shown()
    // A fresh document's marks count from its navigation's start.
    const started = await page.evaluate(() => (window as unknown as { clickedAt?: number }).clickedAt ?? 0)
    const at: Partial<Record<Mark, number>> = {}
    for (const mark of marks) {
      const handle = await page.waitForFunction(
        (name) => performance.getEntriesByName(name).at(-1)?.startTime,
        `inbox:${mark}-drawn`,
      )
      at[mark] = ((await handle.jsonValue()) as number) - started
    }
    times.push({ view, wall: performance.now() - wallStarted, ...at })
  }
  type Mark = 'list' | 'counts' | 'message'
  const pageLabel = (text: RegExp) => page.locator('#page-label', { hasText: text }).waitFor()

  it('opens the mailbox and pages through it', async () => {
    const mailbox = page
      .getByRole('navigation', { name: 'Accounts and extensions' })
      .getByRole('link')
      .first()
    // As a user opens it: a click on the extension in the directory (the Inbox, first counts).
    await timed(
      'open the mailbox (Inbox)',
      () => mailbox.click(),
      () => page.locator('.tab[aria-current="page"]', { hasText: 'Inbox' }).waitFor(),
    )
    await timed(
      'load the page at All, page 1 (new tab)',
      async () => {
        // In a new tab, so that the page loads afresh (a new hash alone would not).
        const href = await mailbox.getAttribute('href')
        const url = new URL(`/inbox/${href!.replace('f=Inbox', 'f=All')}`, page.url()).toString()
        const first = page
        page = await first.context().newPage()
        await first.close()
        await page.goto(url)
      },
      () => pageLabel(/^Page 1 of \d+/),
    )
    const total = Number(/of (\d+)/.exec(await page.locator('#page-label').innerText())![1])
    const messages = Number(/(\d+) message/.exec(await page.locator('#list-status').innerText())![1])
    assert.equal(total, Math.ceil(messages / 50), `${total} pages of 50 for ${messages} messages`)
    assert.ok(messages >= MESSAGES * 0.9, `${messages} alive messages of the ${MESSAGES} seeded`)
    const firstIds = await page
      .locator('table.messages tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))
    await timed(
      'next page',
      () => page.getByRole('link', { name: 'Next' }).click(),
      () => pageLabel(/^Page 2 of/),
    )
    const secondIds = await page
      .locator('table.messages tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))
    assert.equal(secondIds.length, 50)
    assert.ok(!secondIds.some((id) => firstIds.includes(id)), 'page 2 lists none of page 1')
    await timed(
      'last page',
      () => page.getByRole('link', { name: 'Last' }).click(),
      () => pageLabel(new RegExp(`^Page ${total} of`)),
    )
    // The last page holds what is left after the full pages, so that its boundaries
    // are those of counting from the first page.
    assert.equal(
      await page.locator('table.messages tbody tr').count(),
      messages - (total - 1) * 50,
      'the last page holds the remainder',
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
      'Sent folder',
      () => page.getByRole('link', { name: /^Sent \d/ }).click(),
      () => page.locator('.tab[aria-current="page"]', { hasText: 'Sent' }).waitFor(),
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
      ['message'],
    )
    assert.ok((await page.locator('table.messages tbody tr').count()) > 0, 'the filtered page lists messages')
  })
})
