/** Phone numbers: E.164 is the stored form; digits alone are what filters compare. */

const E164 = /^\+[1-9]\d{6,14}$/

export function isE164(text: string): boolean {
  return E164.test(text)
}

/**
 * Reads a number as a client may write it ("+1 (650) 555-0101", "16505550101",
 * "6505550101") into E.164; undefined when it cannot be one. Ten digits are taken
 * as a North American number, as RingCentral does.
 */
export function toE164(text: string): string | undefined {
  const trimmed = text.trim()
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined
  let digits = trimmed.replace(/\D/g, '')
  if (!trimmed.startsWith('+') && digits.length === 10) digits = `1${digits}`
  const e164 = `+${digits}`
  return isE164(e164) ? e164 : undefined
}

export function digitsOf(text: string): string {
  return text.replace(/\D/g, '')
}
