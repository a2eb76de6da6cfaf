import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { Keys } from '@marketcache/shared/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, startStack } from './support/stack'

interface Accepted {
  jobs: { id: string; dataset: string; key: string | null }[]
}

async function completed(stack: Stack, jobId: string) {
  return eventually(async () => {
    const job = (await (await stack.get(`/v1/jobs/${jobId}`)).json()) as { state: string }
    return job.state === 'completed' ? job : undefined
  })
}

describe('POST /v1/update-cache', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack()
  })
  afterAll(() => stack.close())

  it('refreshes a list of coins with one /coins/markets call and makes them HITs', async () => {
    const response = await stack.post('/v1/update-cache', {
      coin_ids: ['bitcoin', 'ethereum', 'solana'],
    })
    expect(response.status).toBe(202)
    const { jobs } = (await response.json()) as Accepted
    const keys = new Keys(stack.keyPrefix)
    expect(jobs.map((j) => j.key)).toEqual(
      ['bitcoin', 'ethereum', 'solana'].map((id) => cacheKey(keys, coin, { id })),
    )
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1)
    await completed(stack, jobs[0]?.id ?? '')

    for (const id of ['bitcoin', 'ethereum', 'solana']) {
      const read = await stack.get(`/v1/coins/${id}`)
      expect(read.headers.get('x-cache-status')).toBe('HIT')
      expect((await stack.get(`/v1/coins/${id}/tokenomics`)).headers.get('x-cache-status')).toBe(
        'HIT',
      )
    }
    const stats = await stack.simStats()
    expect(stats.byEndpoint['/coins/markets']).toBe(1)
    expect(stats.byEndpoint['/coins/{id}'] ?? 0).toBe(0)
  })

  it('warms the top 50 coins with one call and 50 entries', async () => {
    const before = (await stack.simStats()).byEndpoint['/coins/markets'] ?? 0
    const response = await stack.post('/v1/update-cache', { popular: true, limit: 50 })
    expect(response.status).toBe(202)
    const { jobs } = (await response.json()) as Accepted
    expect(jobs).toHaveLength(1)
    await completed(stack, jobs[0]?.id ?? '')

    expect((await stack.simStats()).byEndpoint['/coins/markets']).toBe(before + 1)
    // The three coins of the previous test are among the top 50, so 50 keys in all.
    const stats = (await (await stack.get('/v1/cache/stats')).json()) as {
      keys: Record<string, number>
    }
    expect(stats.keys).toMatchObject({ coin: 50, tokenomics: 50 })
  })

  it('refuses a request without a key and enqueues nothing', async () => {
    const response = await fetch(`${stack.api}/v1/update-cache`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ coin_id: 'cardano' }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' })
    expect((await stack.simStats()).byCoin.cardano ?? 0).toBe(0)
  })
})
