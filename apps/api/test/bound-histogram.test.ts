import { Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { BoundHistogram } from '../src/bound-histogram'

const BUCKETS = [0.001, 0.01, 0.1, 1]
const OBSERVED = [0.0005, 0.001, 0.002, 0.05, 0.05, 0.5, 3, 0]

describe('BoundHistogram', () => {
  it("is exposed exactly as prom-client's Histogram with the same observations", async () => {
    const theirs = new Registry()
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'A histogram.',
      labelNames: ['route', 'status'] as const,
      buckets: BUCKETS,
      registers: [theirs],
    })
    const ours = new Registry()
    const bound = new BoundHistogram('h_seconds', 'A histogram.', BUCKETS, ours)
    for (const [labels, values] of [
      [{ route: '/a', status: '200' }, OBSERVED],
      [{ route: '/b', status: '404' }, OBSERVED.slice(3)],
    ] as const) {
      const series = bound.series(labels)
      for (const value of values) {
        reference.observe(labels, value)
        series.observe(value)
      }
    }
    expect(await ours.metrics()).toBe(await theirs.metrics())
    // The same in JSON, but for prom-client's empty exemplar slots (exemplars are not used here).
    const withoutExemplars = JSON.parse(
      JSON.stringify(await theirs.getMetricsAsJSON(), (name, value) =>
        name === 'exemplar' ? undefined : value,
      ),
    )
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars)
  })

  it('binds one series per label set, and reset zeroes them without unbinding', async () => {
    const registry = new Registry()
    const bound = new BoundHistogram('r_seconds', 'Resets.', BUCKETS, registry)
    const series = bound.series({ route: '/a' })
    expect(bound.series({ route: '/a' })).toBe(series)
    series.observe(0.5)
    registry.resetMetrics()
    series.observe(0.005)
    const text = await registry.metrics()
    expect(text).toContain('r_seconds_count{route="/a"} 1')
    expect(text).toContain('r_seconds_bucket{le="0.01",route="/a"} 1')
  })
})
