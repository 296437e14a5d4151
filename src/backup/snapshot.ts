import Sqlite from 'better-sqlite3'

/** How long the copy waits for a writer's lock, which a busy server holds only for a commit. */
const BUSY_TIMEOUT_MS = 30_000

/**
 * Copies the database as of one instant with `VACUUM INTO`: it reads inside a single
 * read transaction, so the copy is consistent while a server keeps writing (WAL lets
 * the writer go on), and it never restarts the way the page-by-page backup API does
 * when the source changes under it. Answers the attachment blob keys the copy names.
 */
export function snapshotDatabase(source: string, target: string): string[] {
  const db = new Sqlite(source, { fileMustExist: true })
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.prepare('VACUUM INTO ?').run(target)
  } finally {
    db.close()
  }
  const copy = new Sqlite(target, { readonly: true })
  try {
    return copy
      .prepare('SELECT DISTINCT blob_key FROM attachments WHERE blob_key IS NOT NULL')
      .pluck()
      .all() as string[]
  } finally {
    copy.close()
  }
}
