import { type Command, Option } from 'commander'
import { parseIsoDuration } from '../lib/iso.js'
import type { ControlSettings } from './controls.js'

export interface ControlOptions {
  journalSize?: string
  rateLimits?: string
  rateLimitWindow?: string
  rateLimitPenalty?: string
}

type Env = Record<string, string | undefined>

export class ControlSettingsError extends Error {}

const DEFAULT_JOURNAL = 1000

/** The test-control options of `msgstore serve`: flags, then environment, then defaults. */
export function loadControlSettings(opts: ControlOptions, env: Env): ControlSettings {
  const journalText = opts.journalSize ?? env.MSGSTORE_JOURNAL_SIZE ?? String(DEFAULT_JOURNAL)
  if (!/^\d+$/.test(journalText) || Number(journalText) > 1_000_000)
    throw new ControlSettingsError(
      `--journal-size: expected an integer from 0 to 1000000, got ${journalText}`,
    )
  const limits = opts.rateLimits ?? env.MSGSTORE_RATE_LIMITS ?? 'off'
  if (limits !== 'on' && limits !== 'off')
    throw new ControlSettingsError(`--rate-limits: expected on or off, got ${limits}`)
  return Object.freeze({
    journalSize: Number(journalText),
    rateLimits: limits === 'on',
    rateLimitWindowSeconds: seconds(
      '--rate-limit-window',
      opts.rateLimitWindow ?? env.MSGSTORE_RATE_LIMIT_WINDOW ?? 'PT60S',
    ),
    rateLimitPenaltySeconds: seconds(
      '--rate-limit-penalty',
      opts.rateLimitPenalty ?? env.MSGSTORE_RATE_LIMIT_PENALTY ?? 'PT60S',
    ),
  })
}

/** A whole number of seconds, at least one, from an ISO 8601 duration. */
function seconds(name: string, text: string): number {
  const ms = parseIsoDuration(text)
  if (ms === undefined || ms < 1000 || ms % 1000 !== 0)
    throw new ControlSettingsError(
      `${name}: expected an ISO 8601 duration of whole seconds such as PT60S, got ${text}`,
    )
  return ms / 1000
}

export function addControlOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--journal-size <n>',
        'requests the request journal keeps, 0 for none (default 1000, MSGSTORE_JOURNAL_SIZE)',
      ),
    )
    .addOption(
      new Option(
        '--rate-limits <on|off>',
        "emulate RingCentral's rate limits (default off, MSGSTORE_RATE_LIMITS)",
      ),
    )
    .addOption(
      new Option(
        '--rate-limit-window <duration>',
        'sliding window of the rate limits (default PT60S, MSGSTORE_RATE_LIMIT_WINDOW)',
      ),
    )
    .addOption(
      new Option(
        '--rate-limit-penalty <duration>',
        'how long a caller over a limit is refused (default PT60S, MSGSTORE_RATE_LIMIT_PENALTY)',
      ),
    )
}
