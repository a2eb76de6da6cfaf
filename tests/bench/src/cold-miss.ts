import type { Stack } from '@marketcache/e2e/stack'
import { fmt, median } from './measure'

const SAMPLES = 25

async function timed(url: string): Promise<{ ms: number; status: string }> {
  const t0 = performance.now()
  const response = await fetch(url)
  await response.arrayBuffer()
  return {
    ms: performance.now() - t0,
    status: response.headers.get('x-cache-status') ?? String(response.status),
  }
}

/**
 * 1c. A cold miss against the provider's own latency: `SAMPLES` coins never read before, one at a
 * time through the API (enqueue, the worker's call, the write, the written event, the answer),
 * and the same coins straight from the simulator. The difference of the medians is what
 * marketcache adds to a miss.
 */
export async function coldMiss(stack: Stack, providerLatencyMs: number): Promise<void> {
  const list = (await (await fetch(`${stack.sim}/api/v3/coins/list`)).json()) as { id: string }[]
  // From the end of the list: the top coins are the ones the other sections read.
  const ids = list.slice(-2 * SAMPLES).map((coin) => coin.id)
  const direct: number[] = []
  const misses: number[] = []
  for (const id of ids.slice(0, SAMPLES)) {
    direct.push((await timed(`${stack.sim}/api/v3/coins/${id}`)).ms)
  }
  for (const id of ids.slice(SAMPLES)) {
    const { ms, status } = await timed(`${stack.api}/v1/coins/${id}`)
    if (status !== 'MISS') throw new Error(`cold read of ${id} answered ${status}, not MISS`)
    misses.push(ms)
  }
  console.log(
    `1c. cold miss, ${SAMPLES} coins one at a time (provider latency ${providerLatencyMs} ms)`,
  )
  console.log(
    `   provider direct p50 ${fmt(median(direct))} ms   marketcache MISS p50 ${fmt(median(misses))} ms   overhead ${fmt(median(misses) - median(direct))} ms\n`,
  )
}
