import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type Stack, sleep, startStack } from './support/stack'

describe('when the provider misbehaves', () => {
  let stack: Stack
  beforeAll(async () => {
    stack = await startStack({
      workerEnv: { COIN_FRESH_S: '1', COIN_STALE_S: '120', COIN_ERROR_S: '600' },
      apiEnv: { JOB_ATTEMPTS: '2', ERROR_RETRY_MS: '60000' },
    })
  })
  afterAll(() => stack.close())

  it('never caches a malformed body and keeps serving the previous value STALE with X-Cache-Error', async () => {
    const first = await stack.get('/v1/coins/bitcoin')
    expect(first.status).toBe(200)
    const original = await first.text()

    await stack.setFaults({ malformedRate: 1, malformedKind: 'shape' })
    await sleep(1100)
    expect((await stack.get('/v1/coins/bitcoin')).headers.get('x-cache-status')).toBe('STALE')

    const failed = await eventually(async () => {
      const response = await stack.get('/v1/coins/bitcoin')
      return response.headers.get('x-cache-error') ? response : undefined
    })
    expect(failed.status).toBe(200)
    expect(failed.headers.get('x-cache-status')).toBe('STALE')
    expect(await failed.text()).toBe(original)
    // Both attempts reached the provider; neither was written.
    expect((await stack.simStats()).byCoin.bitcoin).toBe(3)
    await stack.setFaults({ malformedRate: 0 })
  })

  it('waits out a 429 Retry-After before calling again, then answers', async () => {
    for (const html429 of [false, true]) {
      const coin = html429 ? 'cardano' : 'solana'
      await stack.setFaults({ forced429: 1, forced429RetryAfterS: 1, html429 })
      const started = Date.now()
      const response = await stack.get(`/v1/coins/${coin}?wait=8000`)
      expect(response.status).toBe(200)
      expect(response.headers.get('x-cache-status')).toBe('MISS')
      const elapsed = Date.now() - started
      expect(elapsed).toBeGreaterThanOrEqual(1000)
      // Picked up again promptly once Retry-After has passed (see drainDelay in the worker).
      expect(elapsed).toBeLessThan(4000)
      expect((await stack.simStats()).byCoin[coin]).toBe(2)
    }
  })

  it('answers 503 FILL_PENDING with Retry-After and a pollable job when the fill does not land in time', async () => {
    await stack.setFaults({ slowRate: 1, slowMs: 1500 })
    const response = await stack.get('/v1/coins/ripple?wait=100')
    expect(response.status).toBe(503)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    const body = (await response.json()) as { code: string; jobId: string }
    expect(body.code).toBe('FILL_PENDING')
    const job = await stack.get(`/v1/jobs/${body.jobId}`)
    expect(job.status).toBe(200)
    await stack.setFaults({ slowRate: 0 })
    await eventually(async () => {
      const r = await stack.get('/v1/coins/ripple?wait=0')
      return r.status === 200 ? r : undefined
    })
  })
})
