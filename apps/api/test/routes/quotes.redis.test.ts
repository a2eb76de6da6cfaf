import { cacheKey } from '@marketcache/shared/dataset'
import { quote } from '@marketcache/shared/datasets/quote'
import { describe, expect, it } from 'vitest'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import {
  expectColdReadFilled,
  expectHitAnd304,
  expectInvalidParams,
} from '../fixtures/dataset-reads'
import { quoteValue, stored } from '../fixtures/market-data'
import { useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const quoteKey = (conid: string) => cacheKey(t.keys, quote, { exchange: 'ibkr', conid })
/** An AAPL call's conid, as the simulator's secdef/info gives it. */
const OPTION = '596047605'

describe('GET /v1/quotes/:exchange/:conid', () => {
  it('cold: one ibkr.quote job for the conid, then MISS with the written quote', () =>
    expectColdReadFilled(t, {
      url: '/v1/quotes/ibkr/265598',
      key: quoteKey('265598'),
      job: { queue: 'ibkr', name: 'ibkr.quote', data: { conids: ['265598'] } },
      data: stored(quoteValue('265598', 'stock')),
      source: 'ibkr',
    }))

  it.each([
    ['265598', 'stock'],
    [OPTION, 'option'],
  ] as const)('HIT on conid %s (a %s) with every header; 304 on its ETag', (conid, kind) =>
    expectHitAnd304(t, {
      url: `/v1/quotes/ibkr/${conid}`,
      key: quoteKey(conid),
      data: stored(quoteValue(conid, kind)),
      source: 'ibkr',
    }),
  )

  it('canonicalises: IBKR/0265598 is the 265598 entry', async () => {
    const data = stored(quoteValue('265598', 'stock'))
    await writeEntry(t.redis, t.keys, quoteKey('265598'), envelope(data, { source: 'ibkr' }))
    const response = await t.app.inject('/v1/quotes/IBKR/0265598')
    expect(response.headers['x-cache-status']).toBe('HIT')
    expect(response.body).toBe(data)
  })

  it('answers 404 NOT_FOUND, with no job, for a conid IBKR said it does not know', async () => {
    await writeEntry(t.redis, t.keys, quoteKey('999999999'), {
      notFound: true,
      fetchedAt: Date.now(),
      source: 'ibkr',
    })
    const response = await t.app.inject('/v1/quotes/ibkr/999999999')
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 })
    expect(response.json().message).toContain('quote ibkr/999999999 does not exist at ibkr')
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it.each([
    ['/v1/quotes/ibkr/AAPL', 'conid "AAPL" is not an IBKR contract id (conid) such as 265598'],
    ['/v1/quotes/ibkr/12.5', 'conid "12.5" is not an IBKR contract id'],
    ['/v1/quotes/ibkr/-265598', 'conid "-265598" is not an IBKR contract id'],
    ['/v1/quotes/ibkr/0', 'conid "0" is not an IBKR contract id'],
    ['/v1/quotes/ibkr/1234567890123', 'conid "1234567890123" is not an IBKR contract id'],
    ['/v1/quotes/ibkr/26:55', /^conid must be 1-64 characters/],
    ['/v1/quotes/bybit/265598', 'exchange must be one of ibkr'],
  ])('%s → 400 INVALID_PARAMS (%s), enqueuing nothing', (url, message) =>
    expectInvalidParams(t, url, message),
  )

  it('takes the query parameters of every read, and no other', async () => {
    const response = await t.app.inject('/v1/quotes/ibkr/265598?symbol=AAPL')
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toBe(
      'unknown query parameter "symbol": this route (/v1/quotes/:exchange/:conid) takes wait, ' +
        'fresh, maxStaleness',
    )
    expect(await t.pendingJobs()).toHaveLength(0)
  })
})
