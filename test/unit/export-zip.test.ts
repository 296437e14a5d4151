import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { describe, test } from 'node:test'
import zlib from 'node:zlib'
import { attachmentFileName } from '../../src/exports/attachments-archive.js'
import { storedEntryBound, zipEndBound } from '../../src/exports/yazl-internals.js'
import { type ZipEntry, zipStream } from '../../src/exports/zip.js'
import { writeZipFile } from '../../src/exports/zip-file.js'
import { ZipMemory } from '../../src/exports/zip-memory.js'
import { unzip } from '../helpers/exports.js'

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function* list(entries: ZipEntry[]): AsyncGenerator<ZipEntry> {
  yield* entries
}

const at = new Date('2024-03-01T12:00:00Z')

describe('zipStream', () => {
  test('stores every entry, small, medium, large and empty, with sizes within the bound', async () => {
    const files = new Map<string, Buffer>([
      ['a/empty.txt', Buffer.alloc(0)],
      ['a/tiny.txt', Buffer.from('hello')],
      ['a/small.bin', randomBytes(3000)],
      ['b/medium.bin', randomBytes(100_000)],
      ['b/large.bin', randomBytes(700_000)],
      ...Array.from({ length: 300 }, (_, i) => [`c/${i}.txt`, randomBytes(i * 7)] as [string, Buffer]),
    ])
    const entries: ZipEntry[] = [...files].map(([name, bytes]) => ({
      name,
      mtime: at,
      size: bytes.length,
      // Large ones in chunks, as a file stream gives them.
      open: async () =>
        Readable.from(
          Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) =>
            bytes.subarray(i * 65536, (i + 1) * 65536),
          ),
        ),
    }))
    const zip = await collect(zipStream(list(entries), 'test archive'))
    const bound = [...files].reduce((sum, [name, bytes]) => sum + storedEntryBound(name, bytes.length), 0)
    assert.ok(zip.length <= bound + zipEndBound('test archive'), `${zip.length} > bound ${bound}`)
    const content = await unzip(zip)
    assert.equal(content.comment, 'test archive')
    assert.deepEqual([...content.entries.keys()].sort(), [...files.keys()].sort())
    for (const [name, bytes] of files) assert.ok(content.entries.get(name)!.equals(bytes), name)
  })

  test('deflates entries of unknown size (the message-store.json files)', async () => {
    const json = Buffer.from(
      JSON.stringify({ records: Array.from({ length: 2000 }, (_, id) => ({ id, text: 'same' })) }),
    )
    const zip = await collect(
      zipStream(
        list([
          { name: 'x/message-store.json', mtime: at, deflate: true, open: async () => Readable.from([json]) },
        ]),
        '',
      ),
    )
    assert.ok(zip.length < json.length / 4)
    assert.ok((await unzip(zip)).entries.get('x/message-store.json')!.equals(json))
  })

  test('an entry whose stream fails, or whose size is wrong, ends the zip with an error', async () => {
    const failing = zipStream(
      list([
        { name: 'ok', mtime: at, size: 3, open: async () => Readable.from([Buffer.from('abc')]) },
        {
          name: 'bad',
          mtime: at,
          size: 500_000,
          open: async () =>
            new Readable({
              read() {
                this.destroy(new Error('disk gone'))
              },
            }),
        },
      ]),
      '',
    )
    await assert.rejects(collect(failing), /disk gone/)
    const short = zipStream(
      list([{ name: 'x', mtime: at, size: 10, open: async () => Readable.from([Buffer.from('abc')]) }]),
      '',
    )
    await assert.rejects(collect(short), /3 bytes, not 10/)
    const missing = zipStream(
      list([{ name: 'x', mtime: at, size: 10, open: async () => Promise.reject(new Error('no blob')) }]),
      '',
    )
    await assert.rejects(collect(missing), /no blob/)
  })

  test('entries read into reused memory come out whole, to a stream and to a file', async () => {
    // More than the read-ahead's memory in all, so that its slices are lent again, and
    // some entries wait for room; tiny, empty and large ones between them.
    const files = new Map<string, Buffer>(
      Array.from({ length: 120 }, (_, i) => {
        const size = [0, 5, 262_144, 262_144, 4097, 262_144, 300_000, 4096][i % 8]!
        return [`m/${i}.bin`, randomBytes(size)] as [string, Buffer]
      }),
    )
    const entries = (): ZipEntry[] =>
      [...files].map(([name, bytes]) => ({
        name,
        mtime: at,
        size: bytes.length,
        open: async () => Readable.from(bytes.length ? [bytes] : []),
        readInto: async (target: Buffer) => {
          await new Promise((resolve) => setImmediate(resolve))
          return bytes.copy(target, 0, 0, target.length)
        },
      }))
    const check = async (zip: Buffer) => {
      const content = await unzip(zip)
      assert.deepEqual([...content.entries.keys()].sort(), [...files.keys()].sort())
      for (const [name, bytes] of files) assert.ok(content.entries.get(name)!.equals(bytes), name)
    }
    await check(await collect(zipStream(list(entries()), 'reused')))
    // Read-ahead memory for one large entry only: every other entry waits for room.
    await check(await collect(zipStream(list(entries()), 'reused', new ZipMemory(1))))
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-zip-'))
    try {
      const file = path.join(dir, 'out.zip')
      const size = await writeZipFile(list(entries()), 'reused', file)
      const written = fs.readFileSync(file)
      assert.equal(size, written.length)
      await check(written)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  test('an entry read into memory with fewer bytes than its size ends the zip with an error', async () => {
    const short = zipStream(
      list([
        {
          name: 'x',
          mtime: at,
          size: 10_000,
          open: async () => Readable.from([]),
          readInto: async () => 3,
        },
      ]),
      '',
    )
    await assert.rejects(collect(short), /3 bytes, not 10000/)
  })

  test('the CRC-32 yazl computes is the standard one (native when available)', () => {
    const crc = createRequire(import.meta.url)('buffer-crc32') as {
      unsigned(buf: Buffer, previous?: number): number
    }
    const data = randomBytes(100_000)
    const whole = crc.unsigned(data)
    assert.equal(crc.unsigned(data.subarray(50_000), crc.unsigned(data.subarray(0, 50_000))), whole)
    assert.equal(crc.unsigned(Buffer.from('123456789')), 0xcbf43926)
    if (typeof zlib.crc32 === 'function') assert.equal(whole, zlib.crc32(data))
  })
})

describe('attachment file names in the archives', () => {
  test('the attachment id, then its file name made safe, or an extension from its type', () => {
    assert.equal(
      attachmentFileName({ id: 7, fileName: 'scan.pdf', contentType: 'application/pdf' }),
      '7_scan.pdf',
    )
    assert.equal(
      attachmentFileName({ id: 7, fileName: '../../etc/passwd', contentType: 'text/plain' }),
      '7_.._.._etc_passwd',
    )
    assert.equal(attachmentFileName({ id: 8, fileName: null, contentType: 'audio/x-wav' }), '8.wav')
    assert.equal(
      attachmentFileName({ id: 9, fileName: '..', contentType: 'text/plain; charset=utf-8' }),
      '9.txt',
    )
    assert.equal(attachmentFileName({ id: 10, fileName: 'a\u0000b', contentType: 'x/unknown' }), '10_a_b')
    assert.equal(
      attachmentFileName({ id: 11, fileName: undefined as unknown as null, contentType: 'x/y' }),
      '11.bin',
    )
  })
})
