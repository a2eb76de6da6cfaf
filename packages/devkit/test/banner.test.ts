import { describe, expect, it } from 'vitest'
import { banner, redisLine } from '../src/banner'

describe('the pnpm start banner', () => {
  it('names the Redis it uses without its password', () => {
    const line = redisLine({ url: 'redis://app:s3cret-pass@10.0.0.5:6379/0', started: false })
    expect(line).toBe('using Redis at redis://app:***@10.0.0.5:6379/0')
    expect(redisLine({ url: 'rediss://:only-pass@cache.example:6380', started: false })).toBe(
      'using Redis at rediss://:***@cache.example:6380',
    )
    expect(redisLine({ url: 'redis://127.0.0.1:6379', started: true })).toBe(
      'started a private Redis at redis://127.0.0.1:6379',
    )
    const seeds = 'rediss://app:pw-a@10.0.0.1:7000,rediss://app:pw-b@10.0.0.2:7000'
    expect(redisLine({ url: seeds, started: false, cluster: true })).toBe(
      'using Redis Cluster at rediss://app:***@10.0.0.1:7000,rediss://app:***@10.0.0.2:7000',
    )
  })

  it('prints provider URLs without credentials and never the configured API keys', () => {
    const text = banner({
      api: 'http://127.0.0.1:3000',
      sim: 'http://127.0.0.1:4100',
      upstreams: {
        COINGECKO_BASE_URL: 'https://user:cg-secret@pro-api.coingecko.com/api/v3',
        BYBIT_BASE_URL: 'http://127.0.0.1:4100',
      },
      devKey: 'dev-0123',
      apiKeysFromEnv: true,
    })
    expect(text).not.toContain('cg-secret')
    expect(text).toContain('https://user:***@pro-api.coingecko.com/api/v3')
    expect(text).toContain('http://127.0.0.1:4100 (simulator)')
    expect(text).toContain('API keys   from API_KEYS')
    expect(text).not.toContain('dev-0123')
  })
})
