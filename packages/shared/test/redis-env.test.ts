import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseEnv } from '../src/env'
import { queuePrefixFor } from '../src/keys'
import { redisConnectionsFrom, redisEnv } from '../src/redis-env'

const schema = Type.Object(redisEnv('redis://127.0.0.1:6379'))
const connections = (env: Record<string, string>) => redisConnectionsFrom(parseEnv(schema, env))

describe('redis connections from the environment', () => {
  it('is one standalone server by default, the queues on the cache', () => {
    expect(connections({})).toEqual({
      cacheRedisUrl: 'redis://127.0.0.1:6379',
      queueRedisUrl: 'redis://127.0.0.1:6379',
      cacheRedisCluster: false,
      queueRedisCluster: false,
    })
  })

  it('takes a list of seed nodes with REDIS_CLUSTER=true, for both connections', () => {
    const env = { CACHE_REDIS_URL: 'redis://a:7000, redis://b:7001', REDIS_CLUSTER: 'true' }
    expect(connections(env)).toEqual({
      cacheRedisUrl: 'redis://a:7000,redis://b:7001',
      queueRedisUrl: 'redis://a:7000,redis://b:7001',
      cacheRedisCluster: true,
      queueRedisCluster: true,
    })
  })

  it('sets each connection apart with CACHE_REDIS_CLUSTER and QUEUE_REDIS_CLUSTER', () => {
    const env = {
      CACHE_REDIS_URL: 'rediss://u:p@a:7000,rediss://u:p@b:7001',
      CACHE_REDIS_CLUSTER: 'true',
      QUEUE_REDIS_URL: 'redis://queue:6379',
    }
    expect(connections(env)).toMatchObject({ cacheRedisCluster: true, queueRedisCluster: false })
    expect(connections({ ...env, QUEUE_REDIS_CLUSTER: 'true' }).queueRedisCluster).toBe(true)
  })

  it('refuses a list without cluster mode, naming the variable and the fix', () => {
    expect(() => connections({ CACHE_REDIS_URL: 'redis://a:1,redis://b:2' })).toThrow(
      /CACHE_REDIS_URL: lists 2 servers.*REDIS_CLUSTER=true/,
    )
    const queue = { QUEUE_REDIS_URL: 'redis://a:1,redis://b:2', CACHE_REDIS_CLUSTER: 'true' }
    expect(() => connections(queue)).toThrow(/QUEUE_REDIS_URL: lists 2 servers/)
  })

  it('refuses mixed schemes and says what a URL list may be', () => {
    const mixed = { CACHE_REDIS_URL: 'redis://a:1,rediss://b:2', REDIS_CLUSTER: 'true' }
    expect(() => connections(mixed)).toThrow(/CACHE_REDIS_URL: mixes redis:\/\/ and rediss:\/\//)
    expect(() => connections({ CACHE_REDIS_URL: 'redis://a:1,http://b' })).toThrow(ConfigError)
    expect(() => connections({ CACHE_REDIS_URL: 'http://b' })).toThrow(
      'CACHE_REDIS_URL="http://b": expected a redis:// or rediss:// URL, for a cluster a comma-separated list',
    )
    expect(() => connections({ REDIS_CLUSTER: 'yes' })).toThrow(
      'REDIS_CLUSTER="yes": expected true or false',
    )
  })
})

describe('a master named by Sentinel', () => {
  it('is one URL for one server, whose commas separate sentinels', () => {
    const url = 'redis+sentinel://app:secret@10.0.0.5:26379,10.0.0.6:26379/mc-cache'
    expect(connections({ CACHE_REDIS_URL: url })).toMatchObject({
      cacheRedisUrl: url,
      queueRedisUrl: url,
      cacheRedisCluster: false,
    })
  })

  it('is refused on a cluster connection, naming the variable', () => {
    const env = { CACHE_REDIS_URL: 'redis+sentinel://10.0.0.5:26379/mc', REDIS_CLUSTER: 'true' }
    expect(() => connections(env)).toThrow(/CACHE_REDIS_URL: is a Sentinel URL/)
  })
})

describe('queuePrefixFor', () => {
  it('hash-tags the BullMQ prefix on a cluster only, and keeps a tag already there', () => {
    expect(queuePrefixFor('mcq', true)).toBe('{mcq}')
    expect(queuePrefixFor('mcq', false)).toBe('mcq')
    expect(queuePrefixFor('{jobs}', true)).toBe('{jobs}')
  })
})
