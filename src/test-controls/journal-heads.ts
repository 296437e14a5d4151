import type { IncomingHttpHeaders } from 'node:http'

/** What the journal shows of a request's head: its URL and headers. */
export interface RequestHead {
  url: string
  headers: Record<string, string>
}

/**
 * The URL and headers of each request the journal keeps, written as Latin-1 into a buffer
 * that belongs to a ring slot and is reused when the ring comes round.
 *
 * Why not keep the request's own URL string and headers object: an entry lives for a
 * thousand requests, which at the list route's polling speed outlasts one or two
 * collections of the young generation, so each request's headers (an object and a string
 * per header) were copied by the collector and then promoted, doubling its pauses and the
 * answers' 99th percentile. One flat string per request, made and dropped at once, and a
 * copy into a buffer that lives as long as the journal leave the collector nothing to do.
 *
 * Latin-1 holds a request head exactly: Node reads the URL and header values as Latin-1,
 * and neither may hold a line feed, which separates them here.
 */
export class HeadCopies {
  private readonly buffers: (Buffer | undefined)[]
  private readonly lengths: Uint32Array

  constructor(size: number) {
    this.buffers = new Array(size)
    this.lengths = new Uint32Array(size)
  }

  keep(slot: number, url: string, headers: IncomingHttpHeaders): void {
    let text = url
    for (const name in headers) {
      const value = headers[name]
      if (value === undefined) continue
      text += `\n${name}:${Array.isArray(value) ? value.join(', ') : value}`
    }
    let buffer = this.buffers[slot]
    if (!buffer || buffer.length < text.length) {
      buffer = Buffer.allocUnsafeSlow(Math.max(512, 2 ** Math.ceil(Math.log2(text.length))))
      this.buffers[slot] = buffer
    }
    this.lengths[slot] = buffer.write(text, 0, 'latin1')
  }

  read(slot: number): RequestHead {
    const [url = '', ...lines] = this.buffers[slot]!.toString('latin1', 0, this.lengths[slot]).split('\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon)] = line.slice(colon + 1)
    }
    return { url, headers }
  }

  clear(): void {
    this.buffers.fill(undefined)
  }
}
