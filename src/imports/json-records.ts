import type { Readable } from 'node:stream'
import { JSONParser } from '@streamparser/json'

/**
 * The elements of the top-level `records` array of a JSON document, read from a stream
 * as they complete: the document is never held whole, only the record being parsed
 * (@streamparser/json, with parents not kept). Whole-number values too large for a
 * JavaScript number stay strings, so they are refused by name rather than rounded.
 */
export async function* jsonRecords(source: Readable): AsyncGenerator<unknown> {
  const parser = new JSONParser({ paths: ['$.records.*'], keepStack: false })
  const ready: unknown[] = []
  parser.onValue = ({ value }) => {
    ready.push(value)
  }
  const tokenizer = (parser as unknown as { tokenizer: { parseNumber(text: string): number | string } })
    .tokenizer
  if (tokenizer) {
    tokenizer.parseNumber = (text) => {
      const n = Number(text)
      return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : text
    }
  }
  for await (const chunk of source) {
    parser.write(chunk as Buffer)
    while (ready.length) yield ready.shift()
  }
  if (!parser.isEnded) parser.end()
  while (ready.length) yield ready.shift()
}
