import type { Stack } from '@marketcache/e2e/stack'
import { fmt, measureGets, statusCounts } from './measure'

/**
 * Coins the admission stack's simulator lists: enough that 5000 of them are outside the catalog's
 * `top` (the first `/coins/markets` page, which a coin miss's call fills along), so each read of
 * one is a cold miss of its own.
 */
export const ADMISSION_COINS = 5300
const REAL_COLD_READS = 5000
/**
 * No real cold read starts after this. Each connection waits for its read's fill (READ_WAIT_MS,
 * 5 s at most), so 5000 reads over 16 connections take 5000 / 16 × a fill: ~1 min at 200 ms,
 * ~2.5 min at 450 ms on a busy machine; the deadline stops a run whose fills stall.
 */
const REAL_COLD_DEADLINE_MS = 240_000

export interface AdmissionCounters {
  /** Jobs ever added to the coingecko queue. */
  jobsCreated(): Promise<number>
  /** `/coins/{id}` and `/coins/markets` calls the simulator answered. */
  coinCalls(): Promise<number>
}

interface CoinCatalog {
  ids: string[]
  top?: string[]
}

/** 5. Admission: made-up ids, one coin over every replica, then real cold ids. */
export async function admission(stack: Stack, counters: AdmissionCounters): Promise<void> {
  const { jobsCreated, coinCalls } = counters
  console.log(`\n5. admission (CoinGecko's id list cached, ${stack.apis.length} API replicas)`)

  let jobs = await jobsCreated()
  let calls = await coinCalls()
  const madeUp = await measureGets(stack.api, (i) => `/v1/coins/made-up-${i}?wait=0`, {
    total: 5000,
    connections: 16,
    accept: (status) => status === 404,
  })
  console.log(
    `   5000 made-up ids:   jobs queued ${(await jobsCreated()) - jobs}   provider calls ${(await coinCalls()) - calls}   ${fmt(madeUp.perSecond, 0)} req/s`,
  )

  const { ids, top = [] } = (await (
    await stack.get('/v1/catalogs/coingecko-coins')
  ).json()) as CoinCatalog
  const first = ids[0] ?? 'bitcoin'
  calls = await coinCalls()
  const burst = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      fetch(`${stack.apis[i % stack.apis.length]}/v1/coins/${first}`),
    ),
  )
  await Promise.all(burst.map((response) => response.arrayBuffer()))
  console.log(
    `   1000 concurrent cold reads of one coin over ${stack.apis.length} API replicas: provider calls ${(await coinCalls()) - calls}`,
  )

  // Listed ids outside `top`: no other read's call has fetched them along, so each is cold.
  const ranked = new Set([...top, first])
  const cold = ids.filter((id) => !ranked.has(id)).slice(0, REAL_COLD_READS)
  jobs = await jobsCreated()
  calls = await coinCalls()
  // Past its backlog cap the API answers 503 OVERLOADED (and FILL_PENDING past the wait):
  // counted, not fatal.
  const real = await measureGets(stack.api, (i) => `/v1/coins/${cold[i]}`, {
    total: cold.length,
    connections: 16,
    accept: (status) => status < 400 || status === 503,
    deadlineMs: REAL_COLD_DEADLINE_MS,
  })
  const cut =
    real.requests < cold.length
      ? ` (${real.requests} read before the ${REAL_COLD_DEADLINE_MS / 1000} s deadline)`
      : ''
  console.log(
    `   ${cold.length} real cold ids (listed, outside the catalog's top ${top.length})${cut}:   jobs queued ${(await jobsCreated()) - jobs}   provider calls ${(await coinCalls()) - calls}   p50 ${fmt(real.p50Ms)} ms   ${fmt(real.perSecond, 0)} req/s`,
  )
  console.log(`   answers ${statusCounts(real.byStatus)}`)
}
