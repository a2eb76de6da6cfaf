import { request } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { cacheKey } from '@marketcache/shared/dataset'
import { optionChain } from '@marketcache/shared/datasets/option-chain'
import { Keys } from '@marketcache/shared/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Stack, startStack } from './support/stack'

const CHAIN = '/v1/options/bybit/BTC/chain'

let stack: Stack
beforeAll(async () => {
  stack = await startStack({
    sim: { bybit: { rateLimitPerSecond: 0, ipLimitPer5s: 0 } },
    workerEnv: { BYBIT_RATE_MAX: '1000' },
    apiEnv: { READ_WAIT_MS: '10000' },
  })
})
afterAll(() => stack.close())

/** A GET whose body is left as sent (fetch would decode it). */
function raw(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      request(`${stack.api}${path}`, { headers }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        )
      })
        .on('error', reject)
        .end()
    },
  )
}

describe('the BTC chain, as the worker stores it', () => {
  it('reads the same for gzip, br and plain clients, and is stored in a fraction of its size', async () => {
    const plain = await stack.get(CHAIN)
    expect(plain.status).toBe(200)
    const json = await plain.text()

    const gzip = await raw(CHAIN, { 'accept-encoding': 'gzip' })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzip.body).toString()).toBe(json)

    const br = await raw(CHAIN, { 'accept-encoding': 'br' })
    expect(br.status).toBe(200)
    expect(br.body.toString()).toBe(json)

    const key = cacheKey(new Keys(stack.keyPrefix), optionChain, {
      exchange: 'bybit',
      underlying: 'BTC',
    })
    const stored = (await stack.redis.hgetBuffer(key, 'data')) as Buffer
    expect(stored.length).toBeLessThan(json.length / 3)
  })

  it('still answers a filtered read', async () => {
    const response = await stack.get(`${CHAIN}?right=put&minDays=1`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { expiries: { strikes: { call: unknown }[] }[] }
    expect(body.expiries.flatMap((e) => e.strikes).every((s) => s.call === null)).toBe(true)
  })
})
