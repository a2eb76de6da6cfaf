import { describe, expect, it } from 'vitest'
import { parsePrometheusText, sampleValue } from '../src/prometheus-text'

const scrape = `# HELP reads_total Reads.
# TYPE reads_total counter
reads_total{dataset="coin",outcome="HIT"} 3
reads_total{dataset="coin",outcome="MISS"} 1
reads_total{dataset="spot",outcome="HIT",note="a \\"quoted\\" \\\\ value"} 2

# TYPE age_seconds histogram
age_seconds_bucket{le="1",dataset="coin"} 1
age_seconds_bucket{le="+Inf",dataset="coin"} 2
age_seconds_sum{dataset="coin"} 3.5
age_seconds_count{dataset="coin"} 2
# TYPE up gauge
up 1 1700000000000
`

describe('parsePrometheusText', () => {
  it('reads families, labels (unescaped) and values', () => {
    const families = parsePrometheusText(scrape)
    expect(families.map((family) => [family.name, family.type])).toEqual([
      ['reads_total', 'counter'],
      ['age_seconds', 'histogram'],
      ['up', 'gauge'],
    ])
    expect(families[0]?.samples[2]?.labels.note).toBe('a "quoted" \\ value')
    expect(sampleValue(families, 'reads_total', { outcome: 'HIT' })).toBe(5)
    expect(sampleValue(families, 'reads_total', { dataset: 'coin', outcome: 'MISS' })).toBe(1)
    expect(sampleValue(families, 'age_seconds_count')).toBe(2)
    expect(sampleValue(families, 'reads_total', { outcome: 'STALE' })).toBe(0)
  })

  it.each([
    ['a sample of an undeclared metric', '# TYPE a counter\nb 1\n'],
    ['a histogram sample without its suffix', '# TYPE h histogram\nh 1\n'],
    ['a bad value', '# TYPE a gauge\na one\n'],
    ['an unquoted label value', '# TYPE a gauge\na{x=1} 1\n'],
    ['a repeated label', '# TYPE a gauge\na{x="1",x="2"} 1\n'],
    ['a bad escape', '# TYPE a gauge\na{x="\\t"} 1\n'],
    ['an unknown type', '# TYPE a meter\n'],
    ['a missing final newline', '# TYPE a gauge\na 1'],
    [
      'buckets that decrease',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 0\n',
    ],
    ['a +Inf bucket unlike _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow()
  })
})
