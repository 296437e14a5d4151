import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { inboxLoginUrl, launchBrowser, NO_CHROMIUM } from '../helpers/browser.js'
import { deliver, OUTSIDE, startStandard } from '../helpers/changes.js'
import { pdfOf, tiffOf } from '../helpers/documents.js'
import type { RunningServer } from '../helpers/server.js'

const ALICE = '+16505550101'
/** With this set, the run saves the screenshots of docs/screenshots there. */
const SCREENSHOTS = process.env.MSGSTORE_INBOX_SCREENSHOTS

/** A WAV of `seconds` of silence at 8 kHz, 16-bit mono. */
function wav(seconds: number): Buffer {
  const samples = seconds * 8000
  const out = Buffer.alloc(44 + samples * 2)
  out.write('RIFF', 0, 'latin1')
  out.writeUInt32LE(36 + samples * 2, 4)
  out.write('WAVEfmt ', 8, 'latin1')
  out.writeUInt32LE(16, 16)
  out.writeUInt16LE(1, 20)
  out.writeUInt16LE(1, 22)
  out.writeUInt32LE(8000, 24)
  out.writeUInt32LE(16000, 28)
  out.writeUInt16LE(2, 32)
  out.writeUInt16LE(16, 34)
  out.write('data', 36, 'latin1')
  out.writeUInt32LE(samples * 2, 40)
  return out
}

describe('web inbox in a browser', { skip: NO_CHROMIUM }, () => {
  let server: RunningServer
  let browser: Browser
  let context: BrowserContext
  let page: Page

  before(async () => {
    server = await startStandard({ args: ['--clock', 'manual'] })
    browser = await launchBrowser()
    context = await browser.newContext()
    page = await context.newPage()
  })
  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  const shot = async (name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true })
  }

  const openMailbox = async (extensionLabel: RegExp) => {
    await page
      .getByRole('navigation', { name: 'Accounts and extensions' })
      .getByRole('link', { name: extensionLabel })
      .click()
    await page.getByRole('heading', { level: 2, name: /ext\. / }).waitFor()
  }

  it('opens from the printed one-time login URL, which works only once', async () => {
    const url = await inboxLoginUrl(server)
    assert.match(url, /\/inbox\/\?code=/)
    await page.goto(url)
    await page.getByRole('heading', { name: 'Accounts' }).waitFor()
    assert.ok(!page.url().includes('code='), 'the code leaves the address bar')
    const other = await browser.newContext()
    const second = await other.newPage()
    await second.goto(url)
    await second.getByLabel('Admin token').waitFor()
    assert.match(await second.getByRole('alert').innerText(), /already used/)
    // The admin token logs that browser in instead.
    await second.getByLabel('Admin token').fill('test-admin-token')
    await second.getByRole('button', { name: 'Log in' }).click()
    await second.getByRole('heading', { name: 'Accounts' }).waitFor()
    await other.close()
  })

  it('plays an injected voicemail: the audio element reports its duration', async () => {
    await deliver(server, {
      type: 'VoiceMail',
      to: [ALICE],
      attachments: [{ contentType: 'audio/wav', fileName: 'vm.wav', bytes: wav(3), vmDuration: 3 }],
    })
    await openMailbox(/101 Alice Admin/)
    await page.getByRole('link', { name: /Voicemail, 3 s/ }).click()
    const audio = page.getByLabel('Voicemail recording')
    const duration = await audio.evaluate(
      (a: HTMLAudioElement) =>
        new Promise<number>((resolve) => {
          if (Number.isFinite(a.duration) && a.duration > 0) resolve(a.duration)
          else a.addEventListener('loadedmetadata', () => resolve(a.duration))
        }),
    )
    assert.ok(Math.abs(duration - 3) < 0.1, `duration ${duration}`)
    // Playback starts when the browser gets to it, later on a busy machine: up to 5 s.
    const played = await audio.evaluate(async (a: HTMLAudioElement) => {
      await a.play()
      const until = Date.now() + 5000
      while (a.currentTime === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      return a.currentTime
    })
    assert.ok(played > 0, 'the recording plays')
    await shot('inbox-voicemail')
  })

  it('shows a TIFF fax as page images and a PDF fax in the page', async () => {
    const fax = async (pages: number, contentType: string, fileName: string, bytes: Buffer) => {
      const res = await server.admin('POST', '/admin/v1/accounts/1001/inbound', {
        type: 'Fax',
        from: OUTSIDE,
        to: [ALICE],
        faxPageCount: pages,
        attachments: [{ contentType, fileName, base64: bytes.toString('base64') }],
      })
      assert.equal(res.status, 201, JSON.stringify(res.body))
    }
    await fax(2, 'image/tiff', 'fax.tif', tiffOf(2, 64, 32))
    await fax(3, 'application/pdf', 'fax.pdf', await pdfOf(3))

    await page.getByRole('link', { name: /Fax, 3 page/ }).click()
    const frame = page.locator('iframe.pdf')
    await frame.waitFor()
    assert.match((await frame.getAttribute('title')) ?? '', /fax\.pdf/)
    const pdf = await page.request.get(new URL((await frame.getAttribute('src'))!, page.url()).toString())
    assert.equal(pdf.headers()['content-type'], 'application/pdf')

    await page.getByRole('link', { name: /Fax, 2 page/ }).click()
    const images = page.getByRole('img', { name: /^Page \d of 2$/ })
    await images.nth(1).waitFor()
    const sizes = await images.evaluateAll((imgs) =>
      Promise.all(
        (imgs as HTMLImageElement[]).map((img) =>
          img.complete && img.naturalWidth
            ? [img.naturalWidth, img.naturalHeight]
            : new Promise<number[]>((r) =>
                img.addEventListener('load', () => r([img.naturalWidth, img.naturalHeight])),
              ),
        ),
      ),
    )
    assert.deepEqual(sizes, [
      [64, 32],
      [64, 32],
    ])
    await shot('inbox-fax')
  })

  it('shows an inbound SMS sent from the page in the conversation, live', async () => {
    await deliver(server, { type: 'SMS', to: [ALICE], text: 'first words' })
    await page.getByRole('link', { name: 'first words' }).click()
    const thread = page.getByRole('region', { name: /^Conversation/ })
    await thread.waitFor()
    await thread.getByLabel(/^Reply from \+14155550123/).fill('a reply from outside')
    await thread.getByRole('button', { name: 'Receive reply' }).click()
    // No reload: the event stream brings it.
    await page.locator('.bubble.in', { hasText: 'a reply from outside' }).waitFor()
    // A message from anywhere else (here the admin API) appears too.
    await deliver(server, { type: 'SMS', to: [ALICE], text: 'and one more' })
    await page.locator('.bubble.in', { hasText: 'and one more' }).waitFor()
  })

  it('shows a reply sent as the user move Queued → Sent → Delivered as the clock advances', async () => {
    const thread = page.getByRole('region', { name: /^Conversation/ })
    await thread.getByRole('textbox', { name: /^Reply as Alice Admin/ }).fill('on my way')
    await thread.getByRole('button', { name: 'Send reply' }).click()
    const status = page.locator('.bubble.out', { hasText: 'on my way' }).locator('.delivery')
    await status.waitFor()
    assert.equal(await status.getAttribute('data-status'), 'Queued')
    const advance = async (by: string) => {
      await page.getByLabel('Advance by (ISO 8601 duration)').fill(by)
      await page.getByRole('button', { name: 'Advance', exact: true }).click()
    }
    await advance('PT2S')
    await page.locator('.bubble.out .delivery[data-status="Sent"]', { hasText: '' }).waitFor()
    await advance('PT3S')
    await page.locator('.bubble.out .delivery[data-status="Delivered"]').waitFor()
    await shot('inbox-conversation')
  })

  it('deletes and restores a message', async () => {
    await page.getByRole('group', { name: 'Message actions' }).getByRole('button', { name: 'Delete' }).click()
    await page.locator('#message-state', { hasText: 'Deleted' }).waitFor()
    await page.getByRole('link', { name: /^Deleted 1/ }).waitFor()
    await page
      .getByRole('group', { name: 'Message actions' })
      .getByRole('button', { name: 'Restore' })
      .click()
    await page.locator('#message-state', { hasText: 'Alive' }).waitFor()
    await page.getByRole('link', { name: /^Deleted 0/ }).waitFor()
    // The history is the store's: a page loaded afresh, which saw none of it, lists it too.
    await page.reload()
    const history = page.getByRole('region', { name: 'History' })
    await history.locator('li', { hasText: /Created/ }).waitFor()
    await history.locator('li', { hasText: / Deleted$/ }).waitFor()
    await history.locator('li', { hasText: / Restored$/ }).waitFor()
  })

  it('draws the mailbox on a laptop and on a phone, and the test controls', {
    skip: !SCREENSHOTS,
  }, async () => {
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.getByRole('link', { name: /^All/ }).click()
    await page.locator('.tab[aria-current="page"]', { hasText: 'All' }).waitFor()
    await page.getByRole('link', { name: /^Inbox/ }).click()
    await page.locator('.tab[aria-current="page"]', { hasText: 'Inbox' }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/inbox-mailbox.png` })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: `${SCREENSHOTS}/inbox-phone.png` })
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.getByRole('link', { name: 'Test controls' }).click()
    await page.getByRole('heading', { name: 'Request journal' }).waitFor()
    await page.screenshot({ path: `${SCREENSHOTS}/inbox-controls.png`, fullPage: true })
    await page.goBack()
  })

  it('labels every control', async () => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => {
          const named =
            (el as HTMLInputElement).labels?.length ||
            el.getAttribute('aria-label') ||
            el.getAttribute('aria-labelledby') ||
            (el.tagName === 'BUTTON' && el.textContent?.trim())
          return !named
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    )
    assert.deepEqual(unlabelled, [])
  })

  it('works by keyboard: a mailbox and a message open with Tab and Enter', async () => {
    await page.goto(new URL('/inbox/', page.url()).toString())
    await page.getByRole('heading', { name: 'Choose a mailbox' }).waitFor()
    const focusOn = async (accessibleName: RegExp) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab')
        const text = await page.evaluate(() => document.activeElement?.textContent ?? '')
        if (accessibleName.test(text)) return
      }
      assert.fail(`Tab never reached ${accessibleName}`)
    }
    await focusOn(/^101 Alice Admin/)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: /Alice Admin \(ext\. 101\)/ }).waitFor()
    await focusOn(/^and one more$/)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: /^SMS from/ }).waitFor()
  })
})
