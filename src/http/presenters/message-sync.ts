import { pushWithBaseUrl } from '../../domain/message/record.js'
import type { SyncResult } from '../../services/sync.js'

/**
 * A `GetMessageSyncResponse`: the request's uri, the records (pre-rendered, copied with
 * the base URL put in) and `syncInfo`.
 */
export function renderMessageSync(result: SyncResult, base: Buffer, path: string, search: string): Buffer {
  const params = new URLSearchParams(search)
  params.delete('access_token')
  const query = params.toString()
  const uri = `${base.toString()}${path}${query ? `?${query}` : ''}`
  const parts: Buffer[] = [Buffer.from(`{"uri":${JSON.stringify(uri)},"records":[`)]
  let length = parts[0]!.length
  result.records.forEach((record, i) => {
    if (i > 0) {
      parts.push(COMMA)
      length += 1
    }
    length += pushWithBaseUrl(parts, record, base)
  })
  const syncInfo = {
    syncType: result.syncType,
    syncToken: result.syncToken,
    syncTime: new Date(result.syncTime).toISOString(),
    olderRecordsExist: result.olderRecordsExist,
  }
  const tail = Buffer.from(`],"syncInfo":${JSON.stringify(syncInfo)}}`)
  parts.push(tail)
  return Buffer.concat(parts, length + tail.length)
}

const COMMA = Buffer.from(',')
