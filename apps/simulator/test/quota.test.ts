import { describe, expect, it } from 'vitest'
import { startSimulator } from './simulator-fixture'

const RATE_LIMIT_BODY = {
  status: {
    error_code: 429,
    error_message:
      "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits.",
  },
}

describe('quota', () => {
  it('answers 429 with CoinGecko’s JSON and Retry-After once the window is spent', async () => {
    const { get, clock } = await startSimulator({ quotaPerWindow: 2, quotaWindowMs: 60_000 })
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)
    clock.advance(10_000)
    expect((await get('/api/v3/coins/markets?vs_currency=usd')).statusCode).toBe(200)
    clock.advance(5_500)

    const limited = await get('/api/v3/simple/price?ids=bitcoin&vs_currencies=usd')
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['content-type']).toMatch(/^application\/json/)
    expect(limited.json()).toEqual(RATE_LIMIT_BODY)
    // 60 s window opened 15.5 s ago: 44.5 s left, rounded up to whole seconds.
    expect(limited.headers['retry-after']).toBe('45')
  })

  it('opens a new window once the old one ends, with Retry-After at least 1', async () => {
    const { get, clock } = await startSimulator({ quotaPerWindow: 1, quotaWindowMs: 1_000 })
    await get('/api/v3/coins/bitcoin')
    clock.advance(999)
    const limited = await get('/api/v3/coins/bitcoin')
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBe('1')

    clock.advance(1)
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)
  })

  it('sends a Cloudflare HTML page for 429s when html429 is on', async () => {
    const { get } = await startSimulator({ quotaPerWindow: 1, faults: { html429: true } })
    await get('/api/v3/coins/bitcoin')
    const limited = await get('/api/v3/coins/bitcoin')

    expect(limited.statusCode).toBe(429)
    expect(limited.headers['content-type']).toMatch(/^text\/html/)
    expect(limited.headers['retry-after']).toMatch(/^\d+$/)
    expect(limited.body).toMatch(/^<!DOCTYPE html>/)
    expect(limited.body).toContain('Error')
    expect(limited.body).toContain('1015')
    expect(limited.body).toContain('You are being rate limited')
    expect(() => JSON.parse(limited.body)).toThrow()
  })

  it('answers the next N calls 429 when forced, whatever the quota', async () => {
    const { get } = await startSimulator({
      quotaPerWindow: 0,
      faults: { forced429: 2, forced429RetryAfterS: 7 },
    })
    const statuses = []
    for (let i = 0; i < 3; i++) {
      const response = await get('/api/v3/coins/bitcoin')
      statuses.push(response.statusCode)
      if (response.statusCode === 429) {
        expect(response.headers['retry-after']).toBe('7')
        expect(response.json()).toEqual(RATE_LIMIT_BODY)
      }
    }

    expect(statuses).toEqual([429, 429, 200])
  })

  it('does not spend quota on pings', async () => {
    const { get } = await startSimulator({ quotaPerWindow: 1 })
    for (let i = 0; i < 3; i++) expect((await get('/api/v3/ping')).statusCode).toBe(200)

    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(200)
    expect((await get('/api/v3/coins/bitcoin')).statusCode).toBe(429)
  })

  it('never limits when the quota is 0', async () => {
    const { get } = await startSimulator({ quotaPerWindow: 0 })
    for (let i = 0; i < 50; i++) expect((await get('/api/v3/coins/tether')).statusCode).toBe(200)
  })
})
