/**
 * A RingCentral list body (`records`, `paging`, `navigation`) around records already
 * shaped. Navigation links keep every filter of the request and change only
 * `page`/`perPage`, as the message list's do.
 */
export function renderPagedList(
  records: unknown[],
  paging: { page: number; perPage: number; total: number },
  baseUrl: string,
  path: string,
  search: string,
): Record<string, unknown> {
  const { page, perPage, total } = paging
  const totalPages = Math.max(1, Math.ceil(total / perPage))
  const params = new URLSearchParams(search)
  params.delete('access_token')
  const link = (n: number) => {
    params.set('page', String(n))
    params.set('perPage', String(perPage))
    return { uri: `${baseUrl}${path}?${params.toString()}` }
  }
  const self = link(page).uri
  const pagingBody: Record<string, number> = { page, totalPages, perPage, totalElements: total }
  if (records.length > 0) {
    pagingBody.pageStart = (page - 1) * perPage
    pagingBody.pageEnd = pagingBody.pageStart + records.length - 1
  }
  const navigation: Record<string, { uri: string }> = { firstPage: link(1) }
  if (page < totalPages) navigation.nextPage = link(page + 1)
  if (page > 1) navigation.previousPage = link(Math.min(page - 1, totalPages))
  navigation.lastPage = link(totalPages)
  return { uri: self, records, paging: pagingBody, navigation }
}
