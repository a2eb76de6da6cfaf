import { coin } from '@marketcache/shared/datasets/coin'
import { tokenomics } from '@marketcache/shared/datasets/tokenomics'
import type { Envelope } from '@marketcache/shared/envelope'
import { describe, expect, it } from 'vitest'
import { readEntry } from '../support/entries'
import { useHarness } from '../support/harness'
import { startSimulator } from '../support/simulator'
import { settled } from '../support/wait'

const h = useHarness({ upstream: () => startSimulator() })
const coinKey = (id: string) => h.key(coin, { id })
const tokenomicsKey = (id: string) => h.key(tokenomics, { id })

async function keysOf(dataset: 'coin' | 'tokenomics'): Promise<string[]> {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await h.redis.scan(
      cursor,
      'MATCH',
      h.keys.datasetPattern(dataset),
      'COUNT',
      1000,
    )
    cursor = next
    found.push(...batch)
  } while (cursor !== '0')
  return found
}

describe('coingecko.markets', () => {
  it('fills coin and tokenomics for the top 50 with exactly one provider call', async () => {
    const job = await h.add(
      { queue: 'coingecko', name: 'coingecko.markets', data: { top: 50 } },
      'warm',
    )
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    expect((done.returnvalue as { written: string[] }).written).toHaveLength(100)

    const stats = await h.upstream.stats()
    expect(stats.total).toBe(1)
    expect(stats.byEndpoint['/coins/markets']).toBe(1)
    expect(await keysOf('coin')).toHaveLength(50)
    expect(await keysOf('tokenomics')).toHaveLength(50)

    const bitcoin = (await readEntry(h.redis, coinKey('bitcoin'))) as Envelope
    expect(JSON.parse(bitcoin.data)).toMatchObject({ id: 'bitcoin', market_cap_rank: 1 })
    const ethereum = (await readEntry(h.redis, tokenomicsKey('ethereum'))) as Envelope
    expect(JSON.parse(ethereum.data)).toMatchObject({ max_supply: null, max_supply_infinite: true })
  })

  it('writes listed ids and negative entries for ids the provider does not list', async () => {
    const job = await h.add({
      queue: 'coingecko',
      name: 'coingecko.markets',
      data: { ids: ['solana', 'dogecoin', 'no-such-coin'] },
    })
    const done = await h.settled(job)
    expect(await done.getState()).toBe('completed')
    expect((done.returnvalue as { written: string[] }).written).toEqual([
      coinKey('solana'),
      tokenomicsKey('solana'),
      coinKey('dogecoin'),
      tokenomicsKey('dogecoin'),
      coinKey('no-such-coin'),
      tokenomicsKey('no-such-coin'),
    ])
    expect((await h.upstream.stats()).total).toBe(1)
    expect(await readEntry(h.redis, coinKey('solana'))).toMatchObject({ source: 'coingecko' })
    expect(await readEntry(h.redis, coinKey('no-such-coin'))).toMatchObject({
      notFound: true,
    })
    expect(await readEntry(h.redis, tokenomicsKey('no-such-coin'))).toMatchObject({
      notFound: true,
    })
    expect(await h.redis.pttl(coinKey('no-such-coin'))).toBeLessThanOrEqual(
      h.config.freshness.coin.negativeMs,
    )
  })

  it('fails a job whose data no producer may send, without calling the provider', async () => {
    const job = await h.worker.queues.coingecko.add(
      'coingecko.markets',
      { top: 500, origin: 'update' } as never,
      { attempts: 3 },
    )
    const done = await settled(h.worker.queues.coingecko, job.id as string)
    expect(await done.getState()).toBe('failed')
    expect(done.attemptsMade).toBe(1)
    expect(done.failedReason).toContain('INVALID_JOB')
    expect((await h.upstream.stats()).total).toBe(0)
  })
})
