import { BASE_MARK } from '../../domain/message/record.js'
import type { MessagePage } from '../../services/message-store.js'

/**
 * Assembles a `GetMessageList` body around the page's pre-rendered records, which
 * arrive from the database as one value of bytes: only the small envelope is
 * serialised here, and the records are never decoded into a string of characters.
 *
 * `path` is the request path, `search` its query string; navigation links keep
 * every filter of the request and change only `page`/`perPage`.
 */
export function renderMessageList(page: MessagePage, baseUrl: string, path: string, search: string): Buffer {
  const { query, total, records } = page
  const { perPage } = query
  const totalPages = Math.max(1, Math.ceil(total / perPage))
  const params = new URLSearchParams(search)
  params.delete('access_token')
  // Defaults the request left out are spelt out, as RingCentral's links do; a link
  // followed later starts its window where this page's did.
  if (!params.has('availability')) params.set('availability', query.availability.join(','))
  if (!params.has('dateFrom')) params.set('dateFrom', new Date(query.dateFrom).toISOString())
  const link = (n: number) => {
    params.set('page', String(n))
    params.set('perPage', String(perPage))
    return { uri: `${baseUrl}${path}?${params.toString()}` }
  }
  params.set('page', String(query.page))
  params.set('perPage', String(perPage))
  const self = params.toString()
  const paging: Record<string, number> = { page: query.page, totalPages, perPage, totalElements: total }
  const offset = (query.page - 1) * perPage
  const count = Math.max(0, Math.min(perPage, total - offset))
  if (count > 0) {
    paging.pageStart = offset
    paging.pageEnd = offset + count - 1
  }
  const navigation: Record<string, { uri: string }> = { firstPage: link(1) }
  if (query.page < totalPages) navigation.nextPage = link(query.page + 1)
  if (query.page > 1) navigation.previousPage = link(Math.min(query.page - 1, totalPages))
  navigation.lastPage = link(totalPages)

  const uri = JSON.stringify(`${baseUrl}${path}${self ? `?${self}` : ''}`)
  const head = `{"uri":${uri},"records":[`
  const tail = `],"paging":${JSON.stringify(paging)},"navigation":${JSON.stringify(navigation)}}`
  if (records === null) return Buffer.from(head + tail, 'utf8')
  const envelope = head + tail
  // The envelope holds the base URL; when it is ASCII (its UTF-8 one byte a character)
  // the records stay bytes: read as latin1, each byte is one character, so the string is
  // a plain copy (no UTF-8 decoding), one native pass puts the base URL in every uri, and
  // writing the whole body as latin1 gives the same bytes, in one buffer.
  if (Buffer.byteLength(envelope, 'utf8') === envelope.length) {
    const body = records.toString('latin1').replaceAll(BASE_MARK, baseUrl)
    return Buffer.from(`${head}${body}${tail}`, 'latin1')
  }
  const body = records.toString('utf8').replaceAll(BASE_MARK, baseUrl)
  return Buffer.from(`${head}${body}${tail}`, 'utf8')
}
