import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, startStack } from './support/stack'

const COLLAR = '/v1/crypto-collar?underlying=BTC&limit=1'

let stack: Stack
beforeAll(async () => {
  stack = await startStack({
    sim: { bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0 } },
    workerEnv: { BYBIT_RATE_MAX: '1000' },
    apiEnv: { READ_WAIT_MS: '10000' },
  })
})
afterAll(() => stack.close())

/** Posts an invalidation and waits for its job; the job's result. */
async function invalidate(body: object): Promise<Record<string, unknown>> {
  const response = await stack.post('/v1/cache/invalidate', body)
  const answer = (await response.json()) as { job: { id: string } }
  expect(response.status, JSON.stringify(answer)).toBe(202)
  const { job } = answer
  return eventually(async () => {
    const state = (await (await stack.get(`/v1/jobs/${job.id}`)).json()) as {
      state: string
      returnvalue?: Record<string, unknown>
    }
    return state.state === 'completed' ? state.returnvalue : undefined
  })
}

describe('an invalidated collar', () => {
  it('is a MISS after delete, and recomputed', async () => {
    expect((await stack.get(COLLAR)).status).toBe(200)
    expect((await stack.get(COLLAR)).headers.get('x-cache-status')).toBe('HIT')

    const result = await invalidate({
      mode: 'delete',
      dataset: 'collar',
      params: { underlying: 'BTC' },
    })
    expect(result).toMatchObject({ mode: 'delete', touched: 1 })
    // The API's L1 drops its copy when the delete's written event arrives, which on a cluster
    // (the event crosses the cluster bus) may be a moment after the job is seen completed.
    const after = await eventually(async () => {
      const response = await stack.get(COLLAR)
      await response.arrayBuffer()
      return response.headers.get('x-cache-status') === 'HIT' ? undefined : response
    })
    expect(after.status).toBe(200)
    expect(after.headers.get('x-cache-status')).toBe('MISS')
  })

  it('is STALE after expire, served while one refresh runs, then fresh again', async () => {
    const result = await invalidate({
      mode: 'expire',
      dataset: 'collar',
      match: { underlying: 'btc' },
    })
    expect(result).toMatchObject({ mode: 'expire', touched: 1 })
    const stale = await stack.get(COLLAR)
    expect(stale.status).toBe(200)
    expect(stale.headers.get('x-cache-status')).toBe('STALE')
    // The refresh it enqueued recomputes the collar; a read then finds it fresh.
    await eventually(async () =>
      (await stack.get(COLLAR)).headers.get('x-cache-status') === 'HIT' ? true : undefined,
    )
  })

  it('is expired with its chain: deleting the chain soft-expires the collar built on it', async () => {
    await eventually(async () =>
      (await stack.get(COLLAR)).headers.get('x-cache-status') === 'HIT' ? true : undefined,
    )
    const result = await invalidate({
      mode: 'delete',
      dataset: 'option-chain',
      params: { exchange: 'bybit', underlying: 'BTC' },
    })
    // The collar read above exists; no options summary was ever read.
    expect(result).toMatchObject({ touched: 1, derived: 1 })
    expect((await stack.get(COLLAR)).headers.get('x-cache-status')).toBe('STALE')
  })
})
