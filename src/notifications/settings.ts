import { parseIsoDuration } from '../lib/iso.js'

export interface NotificationOptions {
  webhookTimeout?: string
}

export interface NotificationSettings {
  /** Bounds the webhook handshake and each delivery (ms; `--webhook-timeout`, default PT3S). */
  readonly webhookTimeout: number
}

export function loadNotificationSettings(
  opts: NotificationOptions,
  env: Record<string, string | undefined>,
): NotificationSettings {
  const text = opts.webhookTimeout ?? env.MSGSTORE_WEBHOOK_TIMEOUT ?? 'PT3S'
  const ms = parseIsoDuration(text)
  if (ms === undefined || ms < 100) {
    throw new Error(`--webhook-timeout: expected an ISO 8601 duration such as PT3S, got ${text}`)
  }
  return { webhookTimeout: ms }
}
