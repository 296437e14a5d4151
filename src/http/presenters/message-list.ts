import { pushWithBaseUrl } from '../../domain/message/record.js'
import type { MessagePage } from '../../services/message-store.js'

/**
 * Assembles a `GetMessageList` body from pre-rendered records: the records are
 * copied as bytes, only the small envelope is serialised here.
 *
 * `path` is the request path, `search` its query string; navigation links keep
 * every filter of the request and change only `page`/`perPage`.
 */
export function renderMessageList(
  page: MessagePage,
  base: Buffer,
  baseText: string,
  path: string,
  search: string,
): Buffer {
  const { query, total, records } = page
  const { perPage } = query
  const totalPages = Math.max(1, Math.ceil(total / perPage))
  const link = (n: number) => {
    const params = new URLSearchParams(search)
    params.delete('access_token')
    params.set('page', String(n))
    params.set('perPage', String(perPage))
    return { uri: `${baseText}${path}?${params.toString()}` }
  }
  const paging: Record<string, number> = { page: query.page, totalPages, perPage, totalElements: total }
  if (records.length > 0) {
    paging.pageStart = (query.page - 1) * perPage
    paging.pageEnd = paging.pageStart + records.length - 1
  }
  const navigation: Record<string, { uri: string }> = { firstPage: link(1) }
  if (query.page < totalPages) navigation.nextPage = link(query.page + 1)
  if (query.page > 1) navigation.previousPage = link(Math.min(query.page - 1, totalPages))
  navigation.lastPage = link(totalPages)

  const selfParams = new URLSearchParams(search)
  selfParams.delete('access_token')
  const self = selfParams.toString()
  const parts: Buffer[] = [
    Buffer.from(`{"uri":${JSON.stringify(`${baseText}${path}${self ? `?${self}` : ''}`)},"records":[`),
  ]
  let length = parts[0]!.length
  records.forEach((record, i) => {
    if (i > 0) {
      parts.push(COMMA)
      length += 1
    }
    length += pushWithBaseUrl(parts, record, base)
  })
  const tail = Buffer.from(`],"paging":${JSON.stringify(paging)},"navigation":${JSON.stringify(navigation)}}`)
  parts.push(tail)
  length += tail.length
  return Buffer.concat(parts, length)
}

const COMMA = Buffer.from(',')
