import type { Stack } from '@marketcache/e2e/stack'
import { readEntry } from '@marketcache/shared/entry-read'
import type { Envelope } from '@marketcache/shared/envelope'
import { fmt, measureGets } from './measure'

/** What one entry costs in Redis against its JSON, and the hit path for a large one. */
export async function storage(stack: Stack): Promise<void> {
  const entries = [
    ['a coin', '/v1/coins/bitcoin', 'coin:bitcoin'],
    ['the BTC chain', '/v1/options/bybit/BTC/chain', 'option-chain:bybit:BTC'],
    ['the BTC collar', '/v1/crypto-collar?underlying=BTC', 'collar:bybit:BTC'],
  ] as const
  console.log('3. storage: Redis bytes per entry (MEMORY USAGE) against its JSON')
  for (const [label, path, suffix] of entries) {
    const response = await stack.get(path)
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`)
    const [key = ''] = await stack.redis.keys(`${stack.keyPrefix}:v*:${suffix}`)
    const entry = (await readEntry(stack.redis, key)) as Envelope
    const json = Buffer.byteLength(entry.data)
    const stored = await stack.redis.hstrlen(key, 'data')
    // Every field counted: the default samples only five of a hash's fields.
    const memory = Number(await stack.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'))
    console.log(
      `   ${label.padEnd(15)} JSON ${json} B   stored ${stored} B   Redis (the whole hash) ${memory} B   JSON / Redis ${fmt(json / memory, 1)}x`,
    )
  }
  const chain = '/v1/options/bybit/BTC/chain'
  const plain = await measureGets(stack.api, () => chain, { total: 5000, connections: 16 })
  const gzip = await measureGets(stack.api, () => chain, {
    total: 5000,
    connections: 16,
    headers: { 'accept-encoding': 'gzip' },
  })
  console.log('   hit path, the BTC chain, 16 connections:')
  console.log(
    `     without Accept-Encoding  ${fmt(plain.perSecond, 0)} req/s   p50 ${fmt(plain.p50Ms, 3)} ms`,
  )
  console.log(
    `     Accept-Encoding: gzip    ${fmt(gzip.perSecond, 0)} req/s   p50 ${fmt(gzip.p50Ms, 3)} ms`,
  )
  console.log(`     ratio gzip / plain: ${fmt(gzip.perSecond / plain.perSecond, 2)}x\n`)
}
