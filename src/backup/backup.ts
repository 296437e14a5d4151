import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import yazl from 'yazl'
import { useNativeCrc32 } from '../exports/yazl-internals.js'
import { packageVersion } from '../lib/version.js'
import { DATABASE_ENTRY, FORMAT, FORMAT_VERSION, MANIFEST, type Manifest } from './format.js'
import { snapshotDatabase } from './snapshot.js'

/** A blob the copy names may be removed (retention) before it is read: the backup is then taken again. */
const ATTEMPTS = 3

export interface BackupSummary {
  file: string
  bytes: number
  attachmentFiles: number
  exportFiles: number
}

/**
 * Writes a backup of an embedded store: the database copied at one instant, every
 * attachment file that copy names, and the finished export archives. The archive is
 * written beside `out` under a temporary name, flushed, then renamed, so `out` is
 * always a whole backup or absent.
 */
export async function backupEmbeddedStore(
  databaseFile: string,
  dataDir: string,
  out: string,
): Promise<BackupSummary> {
  let lastError: unknown
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      return await writeBackup(databaseFile, dataDir, out)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync(databaseFile)) throw err
      lastError = err
    }
  }
  throw lastError
}

async function writeBackup(databaseFile: string, dataDir: string, out: string): Promise<BackupSummary> {
  const target = path.resolve(out)
  const scratch = `${target}.${process.pid}.tmp`
  const snapshot = `${scratch}.db`
  try {
    const blobKeys = snapshotDatabase(databaseFile, snapshot)
    const exportFiles = listFiles(path.join(dataDir, 'exports')).filter((f) => f.endsWith('.zip'))
    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      msgstoreVersion: packageVersion(),
      createdAt: new Date().toISOString(),
      attachmentFiles: blobKeys.length,
      exportFiles: exportFiles.length,
    }
    useNativeCrc32()
    const zip = new yazl.ZipFile()
    const written = fs.createWriteStream(scratch, { flush: true })
    zip.outputStream.pipe(written)
    const failed = new Promise<never>((_, reject) => {
      zip.once('error', reject)
      zip.outputStream.once('error', reject)
      written.once('error', reject)
    })
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), MANIFEST)
    zip.addFile(snapshot, DATABASE_ENTRY, { compress: true })
    // Attachments are media, mostly compressed already: stored as they are.
    for (const key of blobKeys) {
      const relative = ['blobs', key.slice(0, 2), key.slice(2, 4), key].join('/')
      zip.addFile(path.join(dataDir, relative), relative, { compress: false })
    }
    for (const file of exportFiles) {
      zip.addFile(file, path.relative(dataDir, file).split(path.sep).join('/'), { compress: false })
    }
    zip.end()
    await Promise.race([once(written, 'close'), failed])
    fs.renameSync(scratch, target)
    return {
      file: target,
      bytes: fs.statSync(target).size,
      attachmentFiles: blobKeys.length,
      exportFiles: exportFiles.length,
    }
  } finally {
    fs.rmSync(scratch, { force: true })
    fs.rmSync(snapshot, { force: true })
  }
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
}
