import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import type { BlobStore } from '../blobs/blob-store.js'
import { type ZipArchive, zipStream } from './zip.js'
import { writeZipFile } from './zip-file.js'

export interface SavedArchive {
  /** `file:<path relative to the store's folder>` or `blob:<key>`. */
  location: string
  /** Bytes written: what a download serves. */
  size: number
}

/** Where finished report archives are kept until they expire, and served from. */
export interface ArchiveStore {
  save(taskId: string, idx: number, zip: ZipArchive): Promise<SavedArchive>
  open(location: string, range?: { start: number; end: number }): Promise<Readable>
  /** Removes a task's archives (the given locations, and whatever else it left). */
  removeTask(taskId: string, locations: string[]): Promise<void>
}

/**
 * Writes `zip` into `file`: a temporary file beside it, flushed to disk, then renamed
 * into place, so that a crash never leaves a partial archive under the real name.
 * Answers the bytes written.
 */
export async function writeZipAtomically(file: string, zip: ZipArchive): Promise<number> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.${randomBytes(6).toString('hex')}.partial`
  try {
    const size = await writeZipFile(zip.entries, zip.comment, tmp, zip.memory)
    await fs.promises.rename(tmp, file)
    return size
  } catch (err) {
    await fs.promises.rm(tmp, { force: true })
    throw err
  }
}

/** Archives as files under `<data>/exports/<taskId>/<n>.zip` (one node, or a shared folder). */
export class FileArchiveStore implements ArchiveStore {
  private readonly root: string

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'exports')
  }

  async save(taskId: string, idx: number, zip: ZipArchive): Promise<SavedArchive> {
    const relative = `${safe(taskId)}/${idx}.zip`
    const size = await writeZipAtomically(path.join(this.root, relative), zip)
    return { location: `file:${relative}`, size }
  }

  async open(location: string, range?: { start: number; end: number }): Promise<Readable> {
    const handle = await fs.promises.open(this.fileOf(location), 'r')
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {})
  }

  async removeTask(taskId: string): Promise<void> {
    await fs.promises.rm(path.join(this.root, safe(taskId)), { recursive: true, force: true })
  }

  private fileOf(location: string): string {
    if (!location.startsWith('file:')) throw new Error(`not a file archive: ${location}`)
    const relative = location.slice('file:'.length)
    if (!/^[\w-]+\/\d+\.zip$/.test(relative)) throw new Error(`bad archive location: ${location}`)
    return path.join(this.root, relative)
  }
}

/**
 * Archives in the blob store, for nodes that share a PostgreSQL database and its blob
 * store: any node serves any archive. Each archive carries its task id and number in
 * its zip comment, so no two archives (and no attachment) ever share a content key.
 */
export class BlobArchiveStore implements ArchiveStore {
  constructor(private readonly blobs: BlobStore) {}

  async save(_taskId: string, _idx: number, zip: ZipArchive): Promise<SavedArchive> {
    const stored = await this.blobs.put(zipStream(zip.entries, zip.comment, zip.memory))
    return { location: `blob:${stored.key}`, size: stored.size }
  }

  async open(location: string, range?: { start: number; end: number }): Promise<Readable> {
    return this.blobs.get(this.keyOf(location), range)
  }

  async removeTask(_taskId: string, locations: string[]): Promise<void> {
    for (const location of locations) {
      if (location.startsWith('blob:')) await this.blobs.delete(this.keyOf(location))
    }
  }

  private keyOf(location: string): string {
    if (!location.startsWith('blob:')) throw new Error(`not a blob archive: ${location}`)
    return location.slice('blob:'.length)
  }
}

function safe(taskId: string): string {
  if (!/^[\w-]+$/.test(taskId)) throw new Error(`bad task id: ${taskId}`)
  return taskId
}

/**
 * Both stores, as a node of this store uses them: new archives go where blobs go (files
 * under the data folder, or the shared database); an archive is read, and a task's
 * archives removed, from wherever its location says they are.
 */
export class ArchiveStores {
  private readonly files: FileArchiveStore
  private readonly blobArchives: BlobArchiveStore

  constructor(
    dataDir: string,
    blobs: BlobStore,
    private readonly blobStore: 'fs' | 'database',
  ) {
    this.files = new FileArchiveStore(dataDir)
    this.blobArchives = new BlobArchiveStore(blobs)
  }

  /** Where new archives are written. */
  forNew(): ArchiveStore {
    return this.blobStore === 'database' ? this.blobArchives : this.files
  }

  of(location: string): ArchiveStore {
    return location.startsWith('blob:') ? this.blobArchives : this.files
  }

  async removeTask(taskId: string, locations: string[]): Promise<void> {
    await this.files.removeTask(taskId)
    await this.blobArchives.removeTask(taskId, locations)
  }
}
