import { BASE_MARK } from '../../domain/message/record.js'
import type { SyncResult } from '../../services/sync.js'

/**
 * A `GetMessageSyncResponse`: the request's uri, the records (pre-rendered text, with
 * the base URL put in) and `syncInfo`.
 */
export function renderMessageSync(result: SyncResult, baseUrl: string, path: string, search: string): string {
  const query = withoutAccessToken(search)
  const uri = JSON.stringify(`${baseUrl}${path}${query ? `?${query}` : ''}`)
  const syncInfo = {
    syncType: result.syncType,
    syncToken: result.syncToken,
    syncTime: new Date(result.syncTime).toISOString(),
    olderRecordsExist: result.olderRecordsExist,
  }
  // One native pass puts the base URL in every uri of the records.
  const records = result.records.join(',').replaceAll(BASE_MARK, baseUrl)
  return `{"uri":${uri},"records":[${records}],"syncInfo":${JSON.stringify(syncInfo)}}`
}

/** The query as the client sent it, less a token it put there (parsed only when one may be there). */
function withoutAccessToken(search: string): string {
  if (!search.includes('access_token')) return search
  const params = new URLSearchParams(search)
  params.delete('access_token')
  return params.toString()
}
