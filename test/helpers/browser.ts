import fs from 'node:fs'
import type { Browser } from 'playwright-core'
import type { RunningServer } from './server.js'

/** Debian's chromium, which CI installs (.ci/run); browser tests skip with this message without it. */
export const CHROMIUM = process.env.MSGSTORE_CHROMIUM ?? '/usr/bin/chromium'
export const NO_CHROMIUM = fs.existsSync(CHROMIUM)
  ? false
  : `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) to run the web inbox tests`

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI containers has no user namespace sandbox; audio plays without a click.
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
  })
}

/** The one-time login URL of the ready output's second line. */
export async function inboxLoginUrl(server: RunningServer): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = /^msgstore inbox on (\S+)$/m.exec(server.output())
    if (m) return m[1]!
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no inbox line in the ready output:\n${server.output()}`)
}
