import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from '../fixtures/cache-writer'
import { type TestApp, TestKeys, useTestApp } from '../fixtures/test-app'

const seedBitcoin = (app: TestApp) =>
  writeEntry(
    app.redis,
    app.keys,
    cacheKey(app.keys, coin, { id: 'bitcoin' }),
    envelope(coinData('bitcoin')),
  )

describe('fresh=true needs the write scope', () => {
  const t = useTestApp()
  const fresh = (headers: Record<string, string>) =>
    t.app.inject({ url: '/v1/coins/bitcoin?fresh=true&wait=0', headers })

  it('answers 401 without a key and 403 with a key lacking write, enqueuing nothing', async () => {
    await seedBitcoin(t)
    const anonymous = await fresh({})
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json()).toEqual({
      statusCode: 401,
      code: 'UNAUTHORIZED',
      error: 'Unauthorized',
      message: 'send an API key as Authorization: Bearer <key> or X-API-Key: <key>',
    })
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="marketcache"')
    const unknown = await fresh({ 'x-api-key': 'not-a-configured-key' })
    expect(unknown.json().code).toBe('UNAUTHORIZED')
    const readOnly = await fresh({ 'x-api-key': TestKeys.reader })
    expect(readOnly.statusCode).toBe(403)
    expect(readOnly.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' })
    expect(await t.pendingJobs()).toHaveLength(0)
    // Without fresh=true the same read stays open.
    expect((await t.app.inject('/v1/coins/bitcoin')).statusCode).toBe(200)
  })

  it('refreshes with the write key', async () => {
    await seedBitcoin(t)
    const response = await fresh({ authorization: `Bearer ${TestKeys.writer}` })
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    const [job] = await t.pendingJobs()
    expect(job?.data).toEqual({ id: 'bitcoin', origin: 'update' })
  })
})

describe('FRESH_REQUIRES_KEY=false', () => {
  const t = useTestApp({ FRESH_REQUIRES_KEY: 'false' })

  it('lets a client without a key force a refresh', async () => {
    await seedBitcoin(t)
    const response = await t.app.inject('/v1/coins/bitcoin?fresh=true&wait=0')
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-cache-status']).toBe('STALE')
    const [job] = await t.pendingJobs()
    expect(job?.data).toEqual({ id: 'bitcoin', origin: 'update' })
  })
})
