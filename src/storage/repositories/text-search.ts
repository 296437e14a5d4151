import { type RawBuilder, sql } from 'kysely'
import type { DialectInfo } from '../dialects/dialect.js'

/**
 * Whether a message matches a search text: its subject or record (an SMS's text is its
 * subject; the record holds every party's number), case-insensitive with `%` and `_`
 * literal, or, for a text of digits and phone punctuation, its parties' digits (so
 * "650 555" finds +16505550101). `column` names a column of the searched messages.
 */
export function textMatches(
  dialect: DialectInfo,
  q: string,
  column: (name: 'subject' | 'record' | 'party_digits') => RawBuilder<unknown>,
): RawBuilder<boolean> {
  const words = `%${escapeLike(q.toLowerCase())}%`
  const anyOf = [
    sql`lower(coalesce(${column('subject')}, '')) like ${words} escape '\\'`,
    sql`lower(${dialect.recordText(column('record'))}) like ${words} escape '\\'`,
  ]
  const digits = q.replace(/\D/g, '')
  if (digits.length >= 3 && /^[\s+()\-.\d]+$/.test(q))
    anyOf.push(sql`${column('party_digits')} like ${`%${digits}%`}`)
  return sql<boolean>`(${sql.join(anyOf, sql` or `)})`
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}
