import type { Metric, MetricValueWithName, Registry } from 'prom-client'

/** Where values are observed: a histogram series bound to its labels. */
export interface Observer {
  observe(value: number): void
}

/** One label set of a `BoundHistogram`: an observation is a bucket search and three additions. */
export class HistogramSeries implements Observer {
  /** Observations per bucket (not cumulative), the last one past every bound (`+Inf`). */
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe(value: number): void {
    const { bounds } = this
    let bucket = 0
    while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket++
    this.counts[bucket] = (this.counts[bucket] as number) + 1
    this.sum += value
    this.count++
  }
}

/**
 * A Prometheus histogram whose label sets are bound once (`series`) and observed directly. It
 * registers in a prom-client `Registry` and is exposed exactly as prom-client's `Histogram` is
 * (`_bucket` with `le`, `_sum`, `_count`), but prom-client's `observe` builds and hashes a label
 * object and turns the bucket bound into a property name on every call, even on a bound child:
 * measured at about 3 µs, a quarter of an L1 hit, which observes two histograms.
 */
export class BoundHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly #series = new Map<string, HistogramSeries>()
  readonly #bounds: readonly number[]

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
    registry: Registry,
  ) {
    this.#bounds = [...buckets].sort((a, b) => a - b)
    registry.registerMetric(this as unknown as Metric)
  }

  /** The series of `labels`, made on first use. Label values must be bounded (no ids). */
  series(labels: Readonly<Record<string, string>>): HistogramSeries {
    const id = Object.values(labels).join('\u0000')
    let series = this.#series.get(id)
    if (series === undefined) {
      series = new HistogramSeries({ ...labels }, this.#bounds)
      this.#series.set(id, series)
    }
    return series
  }

  /** Nothing to gather at scrape time: the series hold their counts. */
  collect(): void {}

  /** Zeroes every series (they stay bound). */
  reset(): void {
    for (const series of this.#series.values()) {
      series.counts.fill(0)
      series.sum = 0
      series.count = 0
    }
  }

  async get() {
    const values: MetricValueWithName<string>[] = []
    const bucket = `${this.name}_bucket`
    for (const series of this.#series.values()) {
      let cumulative = 0
      this.#bounds.forEach((le, index) => {
        cumulative += series.counts[index] as number
        values.push({ labels: { le, ...series.labels }, value: cumulative, metricName: bucket })
      })
      values.push({
        labels: { le: '+Inf', ...series.labels },
        value: series.count,
        metricName: bucket,
      })
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` })
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` })
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    }
  }
}
