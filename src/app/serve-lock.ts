import fs from 'node:fs'
import path from 'node:path'

/**
 * One `msgstore serve` per SQLite store. A second server on the same file would run a
 * second job runner and keep its own caches (pages, tokens) that the first never
 * invalidates, so it is refused at start. The one-off commands (provision, jwt, seed)
 * still open the store beside a running server.
 *
 * The lock is a file beside the database holding the server's process id, created
 * exclusively. A file left by a process that no longer runs (a crash, kill -9) is stale
 * and taken over.
 */
export class ServeLockError extends Error {}

export interface ServeLock {
  release(): void
}

export function lockSqliteStore(databaseUrl: string): ServeLock | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined
  const file = databaseUrl.slice('sqlite:'.length)
  if (file === ':memory:' || file === '') return undefined
  const lockFile = `${path.resolve(file)}.serve-lock`
  fs.mkdirSync(path.dirname(lockFile), { recursive: true })
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' })
      return {
        release() {
          // Only our own: a lock taken over after this process was thought dead is not ours to remove.
          if (ownerOf(lockFile) === process.pid) fs.rmSync(lockFile, { force: true })
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const owner = ownerOf(lockFile)
    if (owner !== undefined && owner !== process.pid && running(owner)) {
      throw new ServeLockError(
        `another msgstore serve (process ${owner}) is already using ${path.resolve(file)}; ` +
          `stop it first, or give this one another --data folder (lock file ${lockFile})`,
      )
    }
    fs.rmSync(lockFile, { force: true })
  }
  throw new ServeLockError(`cannot take the lock file ${lockFile}`)
}

function ownerOf(lockFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
