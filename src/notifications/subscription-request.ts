import { errors } from '../domain/errors.js'
import { subscriptionErrors } from './errors.js'

/** The fields of a subscription request body, read and checked. */

/** A webhook's life when the request names none, and the longest it may ask for (seconds). */
const DEFAULT_WEBHOOK_EXPIRES_IN = 604_800
const MAX_WEBHOOK_EXPIRES_IN = 315_360_000

export function asObject(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value))
    throw errors.invalidParameter('body', 'Expected a JSON object.')
  return value as Record<string, unknown>
}

export function normaliseTransport(value: unknown): 'WebHook' | 'WebSocket' {
  if (typeof value === 'string') {
    if (value.toLowerCase() === 'webhook') return 'WebHook'
    if (value.toLowerCase() === 'websocket') return 'WebSocket'
    if (value.toLowerCase() === 'pubnub')
      throw subscriptionErrors.invalidDeliveryMode('PubNub delivery is retired: use WebHook or WebSocket.')
  }
  throw subscriptionErrors.invalidDeliveryMode('transportType must be WebHook or WebSocket.')
}

/** http:// is allowed as well as https:// (local receivers rarely have certificates). */
export function webhookAddress(value: unknown): string {
  if (typeof value === 'string' && value.length <= 2048) {
    try {
      const url = new URL(value)
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return value
    } catch {}
  }
  throw subscriptionErrors.invalidDeliveryMode('address must be an http:// or https:// URL.')
}

export function webhookExpiresIn(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_WEBHOOK_EXPIRES_IN
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw errors.invalidParameter('expiresIn', 'Expected a positive integer number of seconds.')
  return Math.min(value, MAX_WEBHOOK_EXPIRES_IN)
}
