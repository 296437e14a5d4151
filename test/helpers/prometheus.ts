import assert from 'node:assert/strict'
import parsePrometheusTextFormat, { type Family } from 'parse-prometheus-text-format'
import { ADMIN_TOKEN } from './server.js'

/**
 * A scrape of `GET /metrics`, read with a Prometheus text parser. The parser keeps the
 * labels of counters and gauges but folds a histogram's series into one sample without
 * labels, so a histogram's own lines (`_bucket`, `_sum`, `_count`) are also read a
 * second time as untyped series, where each keeps its labels.
 */
export class Scrape {
  readonly families: Family[]
  private readonly untyped: Family[]

  constructor(readonly text: string) {
    this.families = parsePrometheusTextFormat(text)
    const histograms = this.families.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name)
    const header = new RegExp(`^# (HELP|TYPE) (${histograms.join('|') || '$^'}) .*\\n`, 'gm')
    this.untyped = parsePrometheusTextFormat(text.replace(header, ''))
  }

  type(name: string): Family['type'] | undefined {
    return this.families.find((f) => f.name === name)?.type
  }

  /** The value of a counter, gauge or (with its suffix) histogram series whose labels include `labels`. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const sources = this.type(name) ? this.families : this.untyped
    for (const family of sources.filter((f) => f.name === name)) {
      for (const sample of family.metrics) {
        if (Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v)) return Number(sample.value)
      }
    }
    return undefined
  }

  /** Every label set of a counter or gauge. */
  labelSets(name: string): Record<string, string>[] {
    return this.families.filter((f) => f.name === name).flatMap((f) => f.metrics.map((s) => s.labels ?? {}))
  }
}

export async function scrape(baseUrl: string, token: string | undefined = ADMIN_TOKEN): Promise<Scrape> {
  const res = await fetch(
    `${baseUrl}/metrics`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  )
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  return new Scrape(await res.text())
}
