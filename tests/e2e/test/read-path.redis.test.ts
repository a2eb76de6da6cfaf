import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Stack, startStack } from './support/stack'

describe('reading coins through the whole stack', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack.close())

  it('answers a cold coin MISS, then HIT with the same ETag, then 304 on If-None-Match', async () => {
    const cold = await stack.get('/v1/coins/bitcoin')
    expect(cold.status).toBe(200)
    expect(cold.headers.get('x-cache-status')).toBe('MISS')
    const body = (await cold.json()) as { price: number }
    expect(body).toMatchObject({ id: 'bitcoin', symbol: 'btc', currency: 'usd' })
    expect(body.price).toBeGreaterThan(0)
    const etag = cold.headers.get('etag')
    expect(etag).toBeTruthy()

    const warm = await stack.get('/v1/coins/bitcoin')
    expect(warm.status).toBe(200)
    expect(warm.headers.get('x-cache-status')).toBe('HIT')
    expect(warm.headers.get('etag')).toBe(etag)
    expect(warm.headers.get('cache-control')).toMatch(
      /^public, max-age=\d+, stale-while-revalidate=\d+$/,
    )
    expect(Number(warm.headers.get('age'))).toBeGreaterThanOrEqual(0)
    expect(new Date(warm.headers.get('x-data-as-of') ?? '').getTime()).toBeGreaterThan(0)
    expect(await warm.json()).toEqual(body)

    const notModified = await stack.get('/v1/coins/bitcoin', { 'if-none-match': etag ?? '' })
    expect(notModified.status).toBe(304)

    expect((await stack.simStats()).byCoin.bitcoin).toBe(1)
  })

  it('serves tokenomics from the same provider call that filled the coin', async () => {
    const response = await stack.get('/v1/coins/bitcoin/tokenomics')
    expect(response.status).toBe(200)
    expect(response.headers.get('x-cache-status')).toBe('HIT')
    expect(await response.json()).toMatchObject({
      id: 'bitcoin',
      max_supply: 21_000_000,
      max_supply_infinite: false,
    })
    expect((await stack.simStats()).byCoin.bitcoin).toBe(1)
  })

  it('turns 50 concurrent cold requests for one coin into exactly one provider call', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => stack.get('/v1/coins/ethereum')),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200))
    const etags = new Set(responses.map((r) => r.headers.get('etag')))
    expect(etags.size).toBe(1)
    expect((await stack.simStats()).byCoin.ethereum).toBe(1)
  })

  it('canonicalises case, so Solana and solana are one entry and one call', async () => {
    expect((await stack.get('/v1/coins/Solana')).status).toBe(200)
    const again = await stack.get('/v1/coins/solana')
    expect(again.headers.get('x-cache-status')).toBe('HIT')
    expect((await stack.simStats()).byCoin.solana).toBe(1)
  })

  it('answers an unknown coin 404 and remembers it: the second request makes no provider call', async () => {
    const first = await stack.get('/v1/coins/no-such-coin')
    expect(first.status).toBe(404)
    expect(await first.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' })
    const second = await stack.get('/v1/coins/no-such-coin')
    expect(second.status).toBe(404)
    expect((await stack.simStats()).byCoin['no-such-coin']).toBe(1)
  })

  it('fetches the misses of a multi-get with one /coins/markets call', async () => {
    const before = await stack.simStats()
    const response = await stack.get('/v1/coins?ids=bitcoin,cardano,dogecoin,ripple')
    expect(response.status).toBe(200)
    const { items } = (await response.json()) as {
      items: { id: string; status: string; data: { price: number } }[]
    }
    expect(items.map((i) => [i.id, i.status])).toEqual([
      ['bitcoin', 'HIT'],
      ['cardano', 'MISS'],
      ['dogecoin', 'MISS'],
      ['ripple', 'MISS'],
    ])
    for (const item of items) expect(item.data.price).toBeGreaterThan(0)
    const after = await stack.simStats()
    expect(
      (after.byEndpoint['/coins/markets'] ?? 0) - (before.byEndpoint['/coins/markets'] ?? 0),
    ).toBe(1)
    expect((after.byEndpoint['/coins/{id}'] ?? 0) - (before.byEndpoint['/coins/{id}'] ?? 0)).toBe(0)
  })
})
