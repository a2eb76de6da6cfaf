import { QueueName } from '@marketcache/shared/jobs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, startStack } from './support/stack'

let stack: Stack
beforeAll(async () => {
  stack = await startStack({})
})
afterAll(() => stack.close())

function signalValue(id: string, overrides: Record<string, unknown> = {}, ttlMs = 3_600_000) {
  const now = Date.now()
  return {
    signal_id: id,
    symbol: 'AAPL',
    action: 'BUY',
    confidence: 0.8,
    target_price: 250,
    reasoning: 'breakout above resistance',
    created_at: new Date(now - 1000).toISOString(),
    expires_at: new Date(now + ttlMs).toISOString(),
    ...overrides,
  }
}

/** How many jobs were ever added, on every queue (BullMQ's per-queue id counters). */
/** Jobs ever added, from each queue's id counter (one hash-tagged slot on a cluster). */
const queueJobs = async () => {
  const counters = Object.values(QueueName).map((name) => `${stack.queuePrefix}:${name}:id`)
  const values = await stack.redis.mget(...counters)
  return values.reduce((sum, value) => sum + Number(value ?? 0), 0)
}

describe('a producer pushes, a dashboard reads', () => {
  it('push?wait → 201, then a HIT with the producer asOf', async () => {
    const value = signalValue('e2e-1')
    const pushed = await stack.post('/v1/push/signal?wait=5000', value)
    expect(pushed.status).toBe(201)
    const body = (await pushed.json()) as { written: string[]; kept: string[] }
    expect(body.written).toHaveLength(1)
    const read = await stack.get('/v1/signals/e2e-1')
    expect(read.status).toBe(200)
    expect(read.headers.get('x-cache-status')).toBe('HIT')
    expect(read.headers.get('x-data-as-of')).toBe(new Date(value.created_at).toISOString())
    expect(await read.json()).toEqual(value)
    const etag = read.headers.get('etag') as string
    expect((await stack.get('/v1/signals/e2e-1', { 'if-none-match': etag })).status).toBe(304)
  })

  it('an older asOf does not replace a newer one', async () => {
    const newer = signalValue('e2e-cas', { as_of: '2030-06-01T00:00:00Z', action: 'SELL' })
    expect((await stack.post('/v1/push/signal?wait=5000', newer)).status).toBe(201)
    const older = signalValue('e2e-cas', { as_of: '2030-01-01T00:00:00Z', action: 'BUY' })
    const late = await stack.post('/v1/push/signal?wait=5000', older)
    expect(late.status).toBe(200)
    expect(((await late.json()) as { kept: string[] }).kept).toHaveLength(1)
    const read = await stack.get('/v1/signals/e2e-cas')
    expect(((await read.json()) as { action: string }).action).toBe('SELL')
    expect(read.headers.get('x-data-as-of')).toBe('2030-06-01T00:00:00.000Z')
  })

  it('active signals of a symbol: a batch is listed, an expired one drops out', async () => {
    const items = [
      signalValue('nvda-short', { symbol: 'NVDA' }, 1500),
      signalValue('nvda-long', { symbol: 'nvda' }),
    ]
    const pushed = await stack.post('/v1/push/signal?wait=5000', { items })
    expect(pushed.status).toBe(201)
    const ids = async () => {
      const list = (await (await stack.get('/v1/signals?symbol=NVDA&active=true')).json()) as {
        items: { signal_id: string }[]
      }
      return list.items.map((item) => item.signal_id)
    }
    expect(await ids()).toEqual(['nvda-short', 'nvda-long'])
    await eventually(async () => ((await ids()).length === 1 ? true : undefined), 5000)
    expect(await ids()).toEqual(['nvda-long'])
    expect((await stack.get('/v1/signals/nvda-short')).status).toBe(404)
  })

  it('analytics with a ttl; a pushed miss is 404 with no job; stats count them', async () => {
    const pushed = await stack.post('/v1/push/analytics?ttl=120&wait=5000', {
      name: 'spy.gex',
      value: { gamma: -1.2e9, flip: 512.5 },
    })
    expect(pushed.status).toBe(201)
    const read = await stack.get('/v1/analytics/SPY.gex')
    expect(read.status).toBe(200)
    expect(read.headers.get('cache-control')).toMatch(/max-age=1(19|20), stale-while-revalidate=0/)
    const jobsBefore = await queueJobs()
    expect((await stack.get('/v1/analytics/never-pushed')).status).toBe(404)
    expect(await queueJobs()).toBe(jobsBefore)
    const stats = await eventually(async () => {
      const body = (await (await stack.get('/v1/cache/stats')).json()) as {
        keys: Record<string, number>
        reads: { datasets: Record<string, { hits: number; misses: number }> }
      }
      return body.reads.datasets.analytics?.misses ? body : undefined
    })
    expect(stats.keys.signal).toBeGreaterThan(0)
    expect(stats.keys.analytics).toBe(1)
    expect(stats.reads.datasets.analytics?.hits).toBe(1)
    const metrics = await (await stack.get('/metrics')).text()
    expect(metrics).toMatch(/marketcache_reads_total\{dataset="signal",outcome="HIT"\} \d+/)
  })
})
