import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import yauzl from 'yauzl'
import { DATABASE_ENTRY, FORMAT, MANIFEST, type Manifest, safeEntryName } from './format.js'

export class RestoreError extends Error {}

/**
 * Unpacks a backup into `dataDir`, which must be empty or absent: restoring over a
 * store would mix two stores' files. Entries are written to their final names only
 * after the manifest has shown the file is a msgstore backup.
 */
export async function restoreEmbeddedStore(file: string, dataDir: string): Promise<Manifest> {
  const target = path.resolve(dataDir)
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    throw new RestoreError(`${target} is not empty; restore into an empty or new folder`)
  }
  const zip = await openZip(file)
  try {
    const entries = await readEntries(zip)
    const manifestEntry = entries.find((e) => e.fileName === MANIFEST)
    if (!manifestEntry || !entries.some((e) => e.fileName === DATABASE_ENTRY)) {
      throw new RestoreError(`${file} is not a msgstore backup (no ${MANIFEST} or ${DATABASE_ENTRY})`)
    }
    const manifest = JSON.parse((await readAll(zip, manifestEntry)).toString('utf8')) as Manifest
    if (manifest.format !== FORMAT) throw new RestoreError(`${file} is not a msgstore backup`)
    fs.mkdirSync(target, { recursive: true })
    for (const entry of entries) {
      if (entry.fileName === MANIFEST || entry.fileName.endsWith('/')) continue
      if (!safeEntryName(entry.fileName))
        throw new RestoreError(`${file}: unsafe entry name ${entry.fileName}`)
      const destination = path.join(target, ...entry.fileName.split('/'))
      fs.mkdirSync(path.dirname(destination), { recursive: true })
      await pipeline(await openEntry(zip, entry), fs.createWriteStream(destination, { flush: true }))
    }
    return manifest
  } finally {
    zip.close()
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err) reject(new RestoreError(`${file} is not a msgstore backup: ${err.message}`))
      else resolve(zip)
    }),
  )
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = []
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry)
      zip.readEntry()
    })
    zip.once('end', () => resolve(entries))
    zip.once('error', reject)
    zip.readEntry()
  })
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))),
  )
}

async function readAll(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await openEntry(zip, entry)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
