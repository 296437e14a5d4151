import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * Sealed values: JSON encrypted and authenticated with AES-256-GCM under a server key,
 * as URL-safe text. Opening fails (undefined) for anything not sealed with the same key
 * and purpose: garbled, truncated, edited, or sealed by another store.
 */

const VERSION = 1
const IV_BYTES = 12
const TAG_BYTES = 16

export function seal(key: Uint8Array, purpose: string, value: unknown): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(purpose))
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url')
}

export function open(key: Uint8Array, purpose: string, text: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64url')
  // Base64 leaves spare bits in its last character: only the one spelling of the bytes counts.
  if (bytes.toString('base64url') !== text) return undefined
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES))
    decipher.setAAD(Buffer.from(purpose))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    const plain = Buffer.concat([
      decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ])
    return JSON.parse(plain.toString('utf8'))
  } catch {
    return undefined
  }
}
