/**
 * `pnpm bench`: what marketcache buys over calling the provider directly, in one run against the
 * simulator (provider latency as configured below). Prints figures and ratios; asserts nothing.
 *
 *   1. read path: latency of cached reads vs. the provider's own latency;
 *   2. stampede: provider calls made for a burst of concurrent cold reads;
 *   3. savings: provider calls for a skewed read workload over many coins.
 *
 * Everything runs in this one process on loopback, so absolute latencies include the load
 * generator's own cost; the ratios are what to compare between runs.
 */
import { ensureRedis } from '@marketcache/devkit/redis'
import { startStack } from '@marketcache/e2e/stack'
import { fmt, measureGets } from './measure'

const PROVIDER_LATENCY_MS = 150
const redis = await ensureRedis(process.env.CACHE_REDIS_URL ?? 'redis://127.0.0.1:6379')
const stack = await startStack({
  redisUrl: redis.url,
  sim: { latencyMs: PROVIDER_LATENCY_MS },
  apiEnv: { READ_WAIT_MS: '5000' },
})

try {
  console.log(
    `marketcache bench (provider latency ${PROVIDER_LATENCY_MS} ms, Redis ${redis.url})\n`,
  )

  // 1. Read path.
  const provider = await measureGets(stack.sim, () => '/api/v3/coins/bitcoin', {
    total: 40,
    connections: 4,
  })
  await stack.get('/v1/coins/bitcoin')
  const hits = await measureGets(stack.api, () => '/v1/coins/bitcoin', {
    total: 20_000,
    connections: 16,
  })
  const sequential = await measureGets(stack.api, () => '/v1/coins/bitcoin', {
    total: 2_000,
    connections: 1,
  })
  console.log('1. read path')
  console.log(
    `   provider direct      p50 ${fmt(provider.p50Ms)} ms   p99 ${fmt(provider.p99Ms)} ms`,
  )
  console.log(
    `   HIT, 1 connection    p50 ${fmt(sequential.p50Ms, 3)} ms  p99 ${fmt(sequential.p99Ms, 3)} ms`,
  )
  console.log(
    `   HIT, 16 connections  p50 ${fmt(hits.p50Ms, 3)} ms  p99 ${fmt(hits.p99Ms, 3)} ms  ${fmt(hits.perSecond, 0)} req/s`,
  )
  console.log(
    `   ratio provider p50 / HIT p50 (1 connection): ${fmt(provider.p50Ms / sequential.p50Ms, 0)}x\n`,
  )

  // 2. Stampede: 500 concurrent cold reads spread over 10 coins.
  const cold = [
    'cardano',
    'dogecoin',
    'ripple',
    'tron',
    'polkadot',
    'chainlink',
    'litecoin',
    'stellar',
    'monero',
    'uniswap',
  ]
  const before = (await stack.simStats()).byEndpoint['/coins/{id}'] ?? 0
  const burst = await measureGets(stack.api, (i) => `/v1/coins/${cold[i % cold.length]}`, {
    total: 500,
    connections: 500,
  })
  const stampedeCalls = ((await stack.simStats()).byEndpoint['/coins/{id}'] ?? 0) - before
  console.log('2. stampede: 500 concurrent cold reads over 10 coins')
  console.log(
    `   provider calls ${stampedeCalls} (without a cache: 500)   ratio ${fmt(500 / stampedeCalls, 0)}x fewer`,
  )
  console.log(`   p50 ${fmt(burst.p50Ms)} ms   p99 ${fmt(burst.p99Ms)} ms\n`)

  // 3. Savings: 10 000 reads over the top 200 coins, Zipf-like (a few coins are most of the reads).
  const top = (await (
    await fetch(`${stack.sim}/api/v3/coins/markets?vs_currency=usd&per_page=200`)
  ).json()) as {
    id: string
  }[]
  await fetch(`${stack.sim}/__sim/reset`, { method: 'POST' })
  let seed = 7
  const random = () => {
    seed = (seed * 16807) % 2147483647
    return seed / 2147483647
  }
  const picks = Array.from(
    { length: 10_000 },
    () => top[Math.floor(top.length * random() ** 3)]?.id ?? 'bitcoin',
  )
  const workload = await measureGets(stack.api, (i) => `/v1/coins/${picks[i]}`, {
    total: picks.length,
    connections: 32,
  })
  const stats = await stack.simStats()
  const calls = stats.total - (stats.byEndpoint['/__sim/stats'] ?? 0)
  console.log('3. savings: 10 000 reads over the top 200 coins (skewed)')
  console.log(`   distinct coins read ${new Set(picks).size}, provider calls ${calls}`)
  console.log(`   ratio reads / provider calls: ${fmt(picks.length / Math.max(1, calls), 0)}x`)
  console.log(
    `   p50 ${fmt(workload.p50Ms, 3)} ms   p99 ${fmt(workload.p99Ms)} ms   ${fmt(workload.perSecond, 0)} req/s`,
  )
} finally {
  await stack.close()
  await redis.stop()
}
