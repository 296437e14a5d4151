import { parseIsoDuration } from '../lib/iso.js'

export interface NotificationOptions {
  webhookTimeout?: string
  wsIdleTimeout?: string
  wsAbsoluteTimeout?: string
  wsRecoveryTimeout?: string
}

export interface NotificationSettings {
  /** Bounds the webhook handshake and each delivery (ms; `--webhook-timeout`, default PT3S). */
  readonly webhookTimeout: number
  /**
   * The WebSocket gateway's timeouts in seconds, as ConnectionDetails announces them:
   * RingCentral's (30 min idle, 24 h absolute, 180 s recovery) unless shortened, which
   * lets a test see them happen.
   */
  readonly gateway: { idleTimeout: number; absoluteTimeout: number; recoveryTimeout: number }
}

export function loadNotificationSettings(
  opts: NotificationOptions,
  env: Record<string, string | undefined>,
): NotificationSettings {
  const duration = (
    flag: string,
    given: string | undefined,
    envName: string,
    fallback: string,
    min: number,
  ) => {
    const text = given ?? env[envName] ?? fallback
    const ms = parseIsoDuration(text)
    if (ms === undefined || ms < min) {
      throw new Error(`${flag}: expected an ISO 8601 duration such as ${fallback}, got ${text}`)
    }
    return ms
  }
  const seconds = (flag: string, given: string | undefined, envName: string, fallback: string) =>
    Math.round(duration(flag, given, envName, fallback, 1000) / 1000)
  return {
    webhookTimeout: duration(
      '--webhook-timeout',
      opts.webhookTimeout,
      'MSGSTORE_WEBHOOK_TIMEOUT',
      'PT3S',
      100,
    ),
    gateway: {
      idleTimeout: seconds('--ws-idle-timeout', opts.wsIdleTimeout, 'MSGSTORE_WS_IDLE_TIMEOUT', 'PT30M'),
      absoluteTimeout: seconds(
        '--ws-absolute-timeout',
        opts.wsAbsoluteTimeout,
        'MSGSTORE_WS_ABSOLUTE_TIMEOUT',
        'P1D',
      ),
      recoveryTimeout: seconds(
        '--ws-recovery-timeout',
        opts.wsRecoveryTimeout,
        'MSGSTORE_WS_RECOVERY_TIMEOUT',
        'PT180S',
      ),
    },
  }
}
