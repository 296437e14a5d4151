/** ISO 8601 helpers: strict parsing of dates and durations from untrusted input. */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Parses an ISO 8601 date or date-time; undefined when it is not one (or not a real date). */
export function parseIsoDate(text: string): number | undefined {
  const m = DATE_TIME.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m
  let tz = zone ?? 'Z'
  if (tz !== 'Z' && !tz.includes(':')) tz = `${tz.slice(0, 3)}:${tz.slice(3)}`
  const ms = frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : ''
  const value = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${tz}`)
  if (Number.isNaN(value)) return undefined
  // Date.parse rolls 2021-02-30 over to March; refuse dates that do not exist.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)))
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  return value
}

const DURATION =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

/** Parses an ISO 8601 duration of weeks, days, hours, minutes and seconds into milliseconds. */
export function parseIsoDuration(text: string): number | undefined {
  const m = DURATION.exec(text)
  if (!m || text === 'P' || text.endsWith('T')) return undefined
  const [, w, d, h, mi, s] = m.map((part) => (part === undefined ? 0 : Number(part)))
  return Math.round(
    ((((w as number) * 7 + (d as number)) * 24 + (h as number)) * 60 + (mi as number)) * 60_000 +
      (s as number) * 1000,
  )
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}
