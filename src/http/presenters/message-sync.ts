import { BASE_MARK } from '../../domain/message/record.js'
import type { SyncResult } from '../../services/sync.js'

/**
 * A `GetMessageSyncResponse`: the request's uri, the records (pre-rendered text, with
 * the base URL put in) and `syncInfo`.
 */
export function renderMessageSync(result: SyncResult, baseUrl: string, path: string, search: string): string {
  const params = new URLSearchParams(search)
  params.delete('access_token')
  const query = params.toString()
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
