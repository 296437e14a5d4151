/**
 * Masks every secret of a recorded request or answer with `***`: credentials in
 * headers, form and JSON fields, and query parameters. Applied when the journal is
 * read, before the text is cut at 64 KB, so no part of a secret survives the cut; an
 * answer the journal kept only the start of may end inside a secret, masked all the same.
 */

export const MASK = '***'

const SECRET_HEADERS =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key)$|secret|token|password/i
const SECRET_FIELDS =
  'access_token|refresh_token|id_token|token|password|client_secret|clientSecret|assertion|code|code_verifier|jwt|secret'
const SECRET_NAME = new RegExp(`^(${SECRET_FIELDS})$`, 'i')
// A value may run to the end of the text unclosed: the journal keeps only the start of an answer.
const JSON_FIELD = new RegExp(`("(?:${SECRET_FIELDS})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*(?:"|\\\\?$)`, 'gi')
const FORM_FIELD = new RegExp(`(^|&)((?:${SECRET_FIELDS})=)[^&]*`, 'gi')

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name)
}

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name] = SECRET_HEADERS.test(name) ? MASK : Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export function redactQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, raw] of new URLSearchParams(search)) {
    const value = isSecretName(key) ? MASK : raw
    const prior = out[key]
    out[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value]
  }
  return out
}

/** A body as text (JSON or a form), its secret fields masked. */
export function redactText(text: string): string {
  return text.replace(JSON_FIELD, `$1"${MASK}"`).replace(FORM_FIELD, `$1$2${MASK}`)
}
