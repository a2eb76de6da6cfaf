/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: prom-client writes
 * the format but ships no parser. Anything a Prometheus server would refuse throws, with the line.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  /** The sample's own name: a histogram's are `<family>_bucket`, `_sum` and `_count`. */
  name: string
  labels: Readonly<Record<string, string>>
  value: number
}

export interface MetricFamily {
  name: string
  type: MetricType
  help: string
  samples: Sample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
const SUFFIXES: Partial<Record<MetricType, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
}

/** Every family of a scrape, in order; throws on the first line that breaks the format. */
export function parsePrometheusText(text: string): MetricFamily[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a newline')
  const families = new Map<string, MetricFamily>()
  text.split('\n').forEach((line, index) => {
    try {
      readLine(line, families)
    } catch (error) {
      throw new Error(`line ${index + 1}: ${(error as Error).message}: ${JSON.stringify(line)}`)
    }
  })
  for (const family of families.values()) checkHistogram(family)
  return [...families.values()]
}

function readLine(line: string, families: Map<string, MetricFamily>): void {
  if (line.trim() === '') return
  const comment = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line)
  if (comment) {
    const [, keyword, name = '', rest = ''] = comment
    if (!NAME.test(name)) throw new Error('bad metric name')
    const family = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] }
    families.set(name, family)
    if (keyword === 'HELP') family.help = rest
    else if (!TYPES.has(rest) || family.samples.length > 0) throw new Error('bad or late TYPE')
    else family.type = rest as MetricType
    return
  }
  if (line.startsWith('#')) return
  const sample = readSample(line)
  const family = familyOf(sample.name, families)
  if (!family) throw new Error(`sample of an undeclared metric ${sample.name}`)
  family.samples.push(sample)
}

function familyOf(sample: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  for (const family of families.values()) {
    const suffixes = SUFFIXES[family.type] ?? ['']
    if (suffixes.some((suffix) => `${family.name}${suffix}` === sample)) return family
  }
  return undefined
}

function readSample(line: string): Sample {
  const match = /^([^\s{]+)(\{.*\})?\s+(\S+)(?:\s+(-?\d+))?$/.exec(line)
  if (!match) throw new Error('not a sample line')
  const [, name = '', labelText, valueText = ''] = match
  if (!NAME.test(name)) throw new Error('bad metric name')
  return { name, labels: labelText ? readLabels(labelText) : {}, value: readValue(valueText) }
}

/** A float as Prometheus reads one (Go's ParseFloat): `NaN` and `Inf` in any case, e.g. `Nan`. */
function readValue(text: string): number {
  if (/^nan$/i.test(text)) return Number.NaN
  const infinity = /^([+-]?)inf(inity)?$/i.exec(text)
  if (infinity) return infinity[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  const value = Number(text)
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isFinite(value)) {
    throw new Error(`bad value ${text}`)
  }
  return value
}

/** `{a="x",b="y\"z"}`: names checked, values unescaped (\\, \" and \n only), no duplicates. */
function readLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  let rest = text.slice(1, -1)
  while (rest !== '') {
    const match = /^([^=\s]+)="((?:[^"\\\n]|\\[\\"n])*)"(,?)/.exec(rest)
    if (!match) throw new Error('bad label set')
    const [whole, name = '', raw = '', comma] = match
    if (!LABEL_NAME.test(name) || name in labels) throw new Error(`bad or repeated label ${name}`)
    labels[name] = raw.replace(/\\(["\\n])/g, (_all, c: string) => (c === 'n' ? '\n' : c))
    rest = rest.slice(whole.length)
    if (comma === '' && rest !== '') throw new Error('labels must be separated by commas')
  }
  return labels
}

/** Each series' buckets: `le` present, counts never decreasing, `+Inf` equal to `_count`. */
function checkHistogram(family: MetricFamily): void {
  if (family.type !== 'histogram') return
  const series = new Map<string, { buckets: Sample[]; count?: number }>()
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels
    const id = JSON.stringify(rest)
    const entry = series.get(id) ?? { buckets: [] }
    series.set(id, entry)
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`)
      entry.buckets.push(sample)
    } else if (sample.name.endsWith('_count')) entry.count = sample.value
  }
  for (const [id, { buckets, count }] of series) {
    const last = buckets.at(-1)
    if (last?.labels.le !== '+Inf' || last.value !== count) {
      throw new Error(`${family.name}${id}: the +Inf bucket must end the series and equal _count`)
    }
    buckets.reduce((previous, bucket) => {
      if (bucket.value < previous) throw new Error(`${family.name}${id}: buckets decrease`)
      return bucket.value
    }, 0)
  }
}

/**
 * The sum of a metric's samples whose labels include `labels` (0 when there is none), e.g.
 * `sampleValue(families, 'marketcache_reads_total', { outcome: 'HIT' })`.
 */
export function sampleValue(
  families: readonly MetricFamily[],
  sample: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return families
    .flatMap((family) => family.samples)
    .filter((s) => s.name === sample)
    .filter((s) => Object.entries(labels).every(([name, value]) => s.labels[name] === value))
    .reduce((sum, s) => sum + s.value, 0)
}
