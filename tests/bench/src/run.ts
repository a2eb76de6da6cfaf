/**
 * `pnpm bench`: what marketcache buys over calling the provider directly, in one run against the
 * simulator (provider latency as configured below). Prints figures and ratios; asserts nothing.
 *
 *   1. read path: latency of cached reads vs. the provider's own latency;
 *   2. stampede: provider calls made for a burst of concurrent cold reads;
 *   3. storage: Redis bytes per entry against its JSON, and the hit path of a large entry with
 *      and without Accept-Encoding;
 *   4. savings: provider calls for a skewed read workload over the top coins, with CoinGecko's
 *      catalog (ids and ranking) cached: as deployed, and with every coin entry deleted;
 *   5. admission: jobs queued and provider calls for made-up and real cold ids, with CoinGecko's
 *      id list cached, and a stampede over three API processes.
 *
 * Everything runs in this one process on loopback, so absolute latencies include the load
 * generator's own cost; the ratios are what to compare between runs.
 */
import { ensureRedis } from '@marketcache/devkit/redis'
import { type Stack, startStack } from '@marketcache/e2e/stack'
import { Keys } from '@marketcache/shared/keys'
import { Queue } from 'bullmq'
import { fmt, measureGets } from './measure'
import { storage } from './storage'

const PROVIDER_LATENCY_MS = 150
/** The load comes from one address: per-client limits would measure themselves. */
const NO_CLIENT_LIMITS = { RATE_LIMIT_MAX: '10000000', RATE_LIMIT_COSTLY_MAX: '10000000' }
const redis = await ensureRedis(process.env.CACHE_REDIS_URL ?? 'redis://127.0.0.1:6379')
const stack = await startStack({
  redisUrl: redis.url,
  sim: { latencyMs: PROVIDER_LATENCY_MS },
  apiEnv: { READ_WAIT_MS: '5000', ...NO_CLIENT_LIMITS },
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
  // Single-coin and batched calls alike: concurrent misses of different coins share /coins/markets.
  const coinCalls = async () => {
    const { byEndpoint } = await stack.simStats()
    return (byEndpoint['/coins/{id}'] ?? 0) + (byEndpoint['/coins/markets'] ?? 0)
  }
  const before = await coinCalls()
  const burst = await measureGets(stack.api, (i) => `/v1/coins/${cold[i % cold.length]}`, {
    total: 500,
    connections: 500,
  })
  const stampedeCalls = (await coinCalls()) - before
  console.log('2. stampede: 500 concurrent cold reads over 10 coins')
  console.log(
    `   provider calls ${stampedeCalls} (without a cache: 500)   ratio ${fmt(500 / stampedeCalls, 0)}x fewer`,
  )
  console.log(`   p50 ${fmt(burst.p50Ms)} ms   p99 ${fmt(burst.p99Ms)} ms\n`)

  await storage(stack)
} finally {
  await stack.close()
}

try {
  await withCatalog()
} finally {
  await redis.stop()
}

/** 4 and 5: a stack whose worker caches CoinGecko's catalog at start, as deployed. */
async function withCatalog(): Promise<void> {
  const guarded = await startStack({
    redisUrl: redis.url,
    apiReplicas: 2,
    sim: { latencyMs: PROVIDER_LATENCY_MS },
    workerEnv: {
      WARM_SCHEDULES: JSON.stringify([
        {
          name: 'coin-catalog',
          cron: '7 * * * *',
          atStart: true,
          request: { queue: 'coingecko', name: 'coingecko.catalog', data: {} },
        },
      ]),
    },
    apiEnv: { READ_WAIT_MS: '5000', ...NO_CLIENT_LIMITS },
  })
  const coingecko = new Queue('coingecko', {
    connection: guarded.redis,
    prefix: guarded.queuePrefix,
  })
  /** Jobs ever added to the coingecko queue (completed ones are kept, see JOB_DEFAULTS). */
  const jobsCreated = async () => {
    const counts = await coingecko.getJobCounts('completed', 'failed', 'active', 'prioritized')
    return Object.values(counts).reduce((sum, n) => sum + n, 0)
  }
  const coinCalls = async () => {
    const stats = await guarded.simStats()
    return (stats.byEndpoint['/coins/{id}'] ?? 0) + (stats.byEndpoint['/coins/markets'] ?? 0)
  }
  try {
    while ((await guarded.get('/v1/catalogs/coingecko-coins')).status !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const keys = new Keys(guarded.keyPrefix)
    /** Deletes every coin and tokenomics entry: cold again, the catalog kept. */
    const forgetCoins = async () => {
      for (const dataset of ['coin', 'tokenomics']) {
        for await (const batch of guarded.redis.scanStream({
          match: keys.datasetPattern(dataset),
        })) {
          if ((batch as string[]).length > 0) await guarded.redis.unlink(...(batch as string[]))
        }
      }
    }
    await savings(guarded, 'as deployed (the ranking warmed the top coins)')
    await forgetCoins()
    await savings(guarded, 'cold (every coin entry deleted, the ranking cached)')

    await forgetCoins()
    console.log(`\n5. admission (CoinGecko's id list cached, ${guarded.apis.length} API replicas)`)

    let jobs = await jobsCreated()
    let calls = await coinCalls()
    const madeUp = await measureGets(guarded.api, (i) => `/v1/coins/made-up-${i}?wait=0`, {
      total: 5000,
      connections: 16,
      accept: (status) => status === 404,
    })
    console.log(
      `   5000 made-up ids:   jobs queued ${(await jobsCreated()) - jobs}   provider calls ${(await coinCalls()) - calls}   ${fmt(madeUp.perSecond, 0)} req/s`,
    )

    const { ids } = (await (await guarded.get('/v1/catalogs/coingecko-coins')).json()) as {
      ids: string[]
    }
    const [first = 'bitcoin', ...rest] = ids
    calls = await coinCalls()
    const burst = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        fetch(`${guarded.apis[i % guarded.apis.length]}/v1/coins/${first}`),
      ),
    )
    await Promise.all(burst.map((response) => response.arrayBuffer()))
    console.log(
      `   1000 concurrent cold reads of one coin over ${guarded.apis.length} API replicas: provider calls ${(await coinCalls()) - calls}`,
    )

    jobs = await jobsCreated()
    calls = await coinCalls()
    const real = await measureGets(guarded.api, (i) => `/v1/coins/${rest[i]}`, {
      total: rest.length,
      connections: 16,
    })
    console.log(
      `   ${rest.length} real cold ids (the rest of the coins the simulator lists):   jobs queued ${(await jobsCreated()) - jobs}   provider calls ${(await coinCalls()) - calls}   p50 ${fmt(real.p50Ms)} ms`,
    )
  } finally {
    await coingecko.close()
    await guarded.close()
  }
}

/** 4. Savings: 10 000 reads over the top 200 coins, Zipf-like (a few coins are most of the reads). */
async function savings(stack: Stack, label: string): Promise<void> {
  const top = (await (
    await fetch(`${stack.sim}/api/v3/coins/markets?vs_currency=usd&per_page=200`)
  ).json()) as { id: string }[]
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
  console.log(`4. savings: 10 000 reads over the top 200 coins (skewed), ${label}`)
  console.log(`   distinct coins read ${new Set(picks).size}, provider calls ${calls}`)
  console.log(`   ratio reads / provider calls: ${fmt(picks.length / Math.max(1, calls), 0)}x`)
  console.log(
    `   p50 ${fmt(workload.p50Ms, 3)} ms   p99 ${fmt(workload.p99Ms)} ms   ${fmt(workload.perSecond, 0)} req/s`,
  )
}
