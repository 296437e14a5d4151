import type { Readable } from 'node:stream'
import yauzl from 'yauzl'

/**
 * A zip archive read from its central directory, one entry at a time (yauzl): nothing
 * is held but the entry in hand, and an entry's bytes are a stream inflated as read, so
 * archives of any size are read with flat memory.
 */
export interface ZipEntryInfo {
  name: string
  compressedSize: number
  uncompressedSize: number
}

export class ZipReader {
  private constructor(private readonly zip: yauzl.ZipFile) {}

  /** Opens `file`; rejects with yauzl's reason when it is not a readable zip archive. */
  static open(file: string): Promise<ZipReader> {
    return new Promise((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, zip) => {
        if (err || !zip) reject(err ?? new Error('not a zip archive'))
        else resolve(new ZipReader(zip))
      })
    })
  }

  get entryCount(): number {
    return this.zip.entryCount
  }

  /**
   * The archive's entries in directory order. `open` streams the bytes of the entry in
   * hand; it is valid until the iteration moves on. Iterate once per opening.
   */
  async *entries(): AsyncGenerator<ZipEntryInfo & { open: () => Promise<Readable> }> {
    const zip = this.zip
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          cleanup()
          resolve(e)
        }
        const onEnd = () => {
          cleanup()
          resolve(undefined)
        }
        const onError = (err: Error) => {
          cleanup()
          reject(err)
        }
        const cleanup = () => {
          zip.off('entry', onEntry)
          zip.off('end', onEnd)
          zip.off('error', onError)
        }
        zip.on('entry', onEntry)
        zip.on('end', onEnd)
        zip.on('error', onError)
        zip.readEntry()
      })
      if (!entry) return
      if (entry.fileName.endsWith('/')) continue
      yield {
        name: entry.fileName,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        open: () =>
          new Promise<Readable>((resolve, reject) => {
            zip.openReadStream(entry, (err, stream) => {
              if (err || !stream) reject(err ?? new Error(`cannot read ${entry.fileName}`))
              else resolve(stream)
            })
          }),
      }
    }
  }

  close(): void {
    this.zip.close()
  }
}
