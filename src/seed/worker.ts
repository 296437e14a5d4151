import { parentPort, workerData } from 'node:worker_threads'
import type { SeedPlan } from './plan.js'
import { RowGenerator } from './row-generator.js'

/**
 * The worker thread of `msgstore seed`: answers each request with the next batch of
 * rows (null at the end), while the main thread writes the previous one.
 */
const generator = new RowGenerator(workerData as SeedPlan)
const port = parentPort!
port.on('message', () => {
  const batch = generator.next()
  if (batch)
    port.postMessage(batch, [
      batch.records.buffer as ArrayBuffer,
      batch.recordEnds.buffer as ArrayBuffer,
      batch.messageCells.buffer as ArrayBuffer,
      batch.attachmentCells.buffer as ArrayBuffer,
    ])
  else port.postMessage(null)
})
