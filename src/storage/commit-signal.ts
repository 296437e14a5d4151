/**
 * Tells whoever listens that a transaction of this process has committed (on SQLite:
 * and is on disk). The dialects call `transactionCommitted` after each commit of a
 * transaction that wrote; the notification outbox uses it to wake its dispatcher right
 * after the commit of a change, rather than polling for it.
 */

/**
 * A synchronous read on the connection that just committed, valid only during the call
 * (SQLite, whose driver runs statements on the JavaScript thread, still holds the
 * connection then: nothing else can have written in between).
 */
export type ReadNow = (sql: string, parameters: readonly unknown[]) => unknown[]

type Listener = (readNow?: ReadNow) => void
const listeners = new Set<Listener>()

/** Calls `listener` after each commit; answers the unsubscribe. */
export function onTransactionCommitted(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function transactionCommitted(readNow?: ReadNow): void {
  for (const listener of listeners) listener(readNow)
}
