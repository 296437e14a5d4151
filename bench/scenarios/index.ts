import { listDateWindow, listTypeAndStatus, listUnfiltered, listUnfilteredUncached } from './list-messages.js'
import { bulkUpdate, contentDownload } from './message-changes.js'
import { incrementalSync } from './message-sync.js'
import type { Scenario } from './scenario.js'
import { sendInternalSms } from './sending.js'

/** Every scenario `npm run bench` runs, in order. */
// The write scenarios come last: they change the mailbox the list scenarios read.
export const SCENARIOS: Scenario[] = [
  listUnfiltered,
  listTypeAndStatus,
  listDateWindow,
  listUnfilteredUncached,
  bulkUpdate,
  contentDownload,
  incrementalSync,
  sendInternalSms,
]

/** The scenario whose page size the bare route answers with. */
export const BASELINE_SIZE_FROM: Scenario = listUnfiltered
