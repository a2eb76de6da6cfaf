import { ConfigError } from '@marketcache/shared/env'
import { describe, expect, it } from 'vitest'
import { freshnessVariable, loadConfig } from '../src/config'

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      cacheRedisUrl: 'redis://127.0.0.1:6379',
      queueRedisUrl: 'redis://127.0.0.1:6379',
      keyPrefix: 'mc',
      queuePrefix: 'mcq',
      logLevel: 'info',
      coingecko: {
        baseUrl: 'http://127.0.0.1:4010/api/v3',
        plan: 'demo',
        limiter: { max: 30, duration: 60_000 },
        timeoutMs: 10_000,
        concurrency: 4,
      },
      bybit: {
        baseUrl: 'http://127.0.0.1:4010',
        limiter: { max: 20, duration: 1000 },
        timeoutMs: 10_000,
        concurrency: 4,
      },
      ibkr: {
        baseUrl: 'http://127.0.0.1:4010/v1/api',
        limiter: { max: 10, duration: 1000 },
        timeoutMs: 10_000,
        concurrency: 16,
      },
      derive: { concurrency: 4 },
      backoff: { baseMs: 1000, maxMs: 60_000 },
      metrics: { host: '127.0.0.1', port: 9464 },
      freshness: {
        coin: { freshMs: 300_000, staleMs: 600_000, errorMs: 3_600_000, negativeMs: 60_000 },
        tokenomics: {
          freshMs: 600_000,
          staleMs: 1_200_000,
          errorMs: 7_200_000,
          negativeMs: 60_000,
        },
      },
    })
    expect(config.coingecko.apiKey).toBeUndefined()
    // Warm-ups, each also once at start: CoinGecko's ids, Bybit's spot pairs and option coins
    // hourly, top coins every 5 min, BTC/ETH/SOL chains every minute, their Bybit collars every
    // 5 min and their spot every 15 s;
    // the five US underlyings' instruments every 15 min, spot every 30 s, and chains every minute
    // while the US market is open.
    expect(config.warmSchedules.filter((s) => s.atStart === false)).toEqual([])
    expect(
      config.warmSchedules.map((s) => [s.name, s.cron, s.request.name, s.market ?? null]),
    ).toEqual([
      ['coin-catalog', '7 * * * *', 'coingecko.catalog', null],
      ['spot-catalog', '9 * * * *', 'bybit.catalog', null],
      ['option-catalog', '11 * * * *', 'bybit.option-catalog', null],
      ['top-coins', '*/5 * * * *', 'coingecko.markets', null],
      ['chain-btc', '* * * * *', 'bybit.option-chain', null],
      ['chain-eth', '* * * * *', 'bybit.option-chain', null],
      ['chain-sol', '* * * * *', 'bybit.option-chain', null],
      ['collar-btc', '*/5 * * * *', 'derive.collar', null],
      ['collar-eth', '*/5 * * * *', 'derive.collar', null],
      ['collar-sol', '*/5 * * * *', 'derive.collar', null],
      ['crypto-spot', '*/15 * * * * *', 'bybit.spot', null],
      ['instruments-spy', '*/15 * * * *', 'ibkr.instruments', null],
      ['instruments-qqq', '*/15 * * * *', 'ibkr.instruments', null],
      ['instruments-aapl', '*/15 * * * *', 'ibkr.instruments', null],
      ['instruments-msft', '*/15 * * * *', 'ibkr.instruments', null],
      ['instruments-tsla', '*/15 * * * *', 'ibkr.instruments', null],
      ['ibkr-spot', '*/30 * * * * *', 'ibkr.spot', null],
      ['ibkr-chain-spy', '* * * * *', 'ibkr.option-chain', 'us-equities'],
      ['ibkr-chain-qqq', '* * * * *', 'ibkr.option-chain', 'us-equities'],
      ['ibkr-chain-aapl', '* * * * *', 'ibkr.option-chain', 'us-equities'],
      ['ibkr-chain-msft', '* * * * *', 'ibkr.option-chain', 'us-equities'],
      ['ibkr-chain-tsla', '* * * * *', 'ibkr.option-chain', 'us-equities'],
    ])
    expect(config.warmSchedules.find((s) => s.name === 'ibkr-spot')?.request.data).toEqual({
      symbols: ['SPY', 'QQQ', 'AAPL', 'MSFT', 'TSLA'],
    })
  })

  it('reads overrides, converting numbers and seconds', () => {
    const config = loadConfig({
      CACHE_REDIS_URL: 'redis://cache:6379',
      QUEUE_REDIS_URL: 'rediss://queue:6380',
      COINGECKO_API_KEY: 'CG-secret',
      COINGECKO_PLAN: 'pro',
      COINGECKO_RATE_MAX: '500',
      COIN_FRESH_S: '30',
      TOKENOMICS_NEGATIVE_S: '1.5',
      WARM_SCHEDULES: '[]',
      UNRELATED_VARIABLE: 'ignored',
    })
    expect(config.cacheRedisUrl).toBe('redis://cache:6379')
    expect(config.queueRedisUrl).toBe('rediss://queue:6380')
    expect(config.coingecko).toMatchObject({
      apiKey: 'CG-secret',
      plan: 'pro',
      limiter: { max: 500 },
    })
    expect(config.freshness.coin.freshMs).toBe(30_000)
    expect(config.freshness.coin.staleMs).toBe(600_000)
    expect(config.freshness.tokenomics.negativeMs).toBe(1500)
    expect(config.warmSchedules).toEqual([])
  })

  it('names per-dataset variables after the dataset', () => {
    expect(freshnessVariable('coin', 'FRESH_S')).toBe('COIN_FRESH_S')
    expect(freshnessVariable('option-chain', 'STALE_S')).toBe('OPTION_CHAIN_STALE_S')
  })

  it('takes a metrics port, 0 for any free one, or off', () => {
    expect(loadConfig({ WORKER_METRICS_PORT: '0' }).metrics.port).toBe(0)
    expect(loadConfig({ WORKER_METRICS_PORT: 'off' }).metrics.port).toBeNull()
    expect(loadConfig({ WORKER_METRICS_HOST: '0.0.0.0' }).metrics.host).toBe('0.0.0.0')
  })

  it('returns a frozen config', () => {
    const config = loadConfig({})
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.coingecko.limiter)).toBe(true)
    expect(Object.isFrozen(config.freshness.coin)).toBe(true)
  })

  it.each([
    ['COINGECKO_RATE_MAX', 'lots'],
    ['COINGECKO_CONCURRENCY', '0'],
    ['COINGECKO_PLAN', 'enterprise'],
    ['CACHE_REDIS_URL', 'http://not-redis'],
    ['KEY_PREFIX', 'mc:evil*'],
    ['LOG_LEVEL', 'loud'],
    ['COIN_FRESH_S', '0'],
    ['TOKENOMICS_STALE_S', '-1'],
    ['WORKER_METRICS_PORT', '70000'],
    ['WORKER_METRICS_PORT', 'no'],
  ])('names %s when it is invalid', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [variable]: value })).toThrow(variable)
  })

  it('rejects a backoff cap below its base', () => {
    expect(() => loadConfig({ BACKOFF_BASE_MS: '5000', BACKOFF_MAX_MS: '100' })).toThrow(
      'BACKOFF_MAX_MS',
    )
  })

  it.each([
    ['not JSON', '{oops'],
    ['not a list', '{}'],
    [
      'an unknown job',
      '[{"name":"x","cron":"* * * * *","request":{"queue":"coingecko","name":"coingecko.nope","data":{}}}]',
    ],
    [
      'a bad cron',
      '[{"name":"x","cron":"every minute","request":{"queue":"coingecko","name":"coingecko.coin","data":{"id":"bitcoin"}}}]',
    ],
    [
      'a name with a colon',
      '[{"name":"a:b","cron":"* * * * *","request":{"queue":"coingecko","name":"coingecko.coin","data":{"id":"bitcoin"}}}]',
    ],
    [
      'too many coins',
      '[{"name":"x","cron":"* * * * *","request":{"queue":"coingecko","name":"coingecko.markets","data":{"top":251}}}]',
    ],
    [
      'a market without a calendar',
      '[{"name":"x","cron":"* * * * *","market":"lse","request":{"queue":"ibkr","name":"ibkr.option-chain","data":{"underlying":"AAPL"}}}]',
    ],
    [
      'a duplicate name',
      '[{"name":"x","cron":"* * * * *","request":{"queue":"coingecko","name":"coingecko.coin","data":{"id":"a"}}},{"name":"x","cron":"* * * * *","request":{"queue":"coingecko","name":"coingecko.coin","data":{"id":"b"}}}]',
    ],
  ])('names WARM_SCHEDULES when it has %s', (_problem, value) => {
    expect(() => loadConfig({ WARM_SCHEDULES: value })).toThrow(/WARM_SCHEDULES/)
  })

  it('accepts a seconds-field cron and an ids request', () => {
    const config = loadConfig({
      WARM_SCHEDULES: JSON.stringify([
        {
          name: 'majors',
          cron: '*/10 * * * * *',
          request: {
            queue: 'coingecko',
            name: 'coingecko.markets',
            data: { ids: ['bitcoin', 'ethereum'] },
          },
        },
      ]),
    })
    expect(config.warmSchedules[0]?.request.data).toEqual({ ids: ['bitcoin', 'ethereum'] })
  })
})
