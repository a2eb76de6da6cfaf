import { get, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { cacheKey } from '@marketcache/shared/dataset'
import { coin } from '@marketcache/shared/datasets/coin'
import { signal } from '@marketcache/shared/datasets/signal'
import { spot } from '@marketcache/shared/datasets/spot'
import { beforeAll, describe, expect, it } from 'vitest'
import { coinData, envelope, writeEntry } from '../fixtures/cache-writer'
import { signalValue } from '../fixtures/signals'
import { eventually, useTestApp } from '../fixtures/test-app'

interface StreamEvent {
  id: string
  event: string
  data: { dataset: string; params: Record<string, string>; etag: string; value: unknown }
}

/** A stream read over its own socket (no pooling): the events parsed as they come, and the close. */
async function openStream(base: string, query: string, headers: Record<string, string> = {}) {
  const events: StreamEvent[] = []
  const comments: string[] = []
  let buffered = ''
  const request = get(`${base}/v1/stream?${query}`, { headers, agent: false })
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', resolve).on('error', reject)
  })
  response.setEncoding('utf8')
  response.on('data', (chunk: string) => {
    buffered += chunk
    for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
      const block = buffered.slice(0, end)
      buffered = buffered.slice(end + 2)
      if (block.startsWith(':')) comments.push(block)
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      )
      const { id = '', event = '', data } = fields
      if (data) events.push({ id, event, data: JSON.parse(data) })
    }
  })
  response.on('error', () => {})
  return {
    status: response.statusCode,
    headers: response.headers,
    events,
    comments,
    close: async () => {
      request.destroy()
    },
  }
}

const subscribers = async (base: string) => {
  const text = await (await fetch(`${base}/metrics`)).text()
  return Number(/^marketcache_stream_subscribers (\d+)$/m.exec(text)?.[1])
}

describe('GET /v1/stream', () => {
  const t = useTestApp({
    STREAM_MAX_SUBSCRIBERS: '2',
    STREAM_HEARTBEAT_MS: '200',
    STREAM_MAX_PENDING: '1',
  })
  let base: string
  beforeAll(async () => {
    base = await t.app.listen({ port: 0, host: '127.0.0.1' })
  })

  it.each([
    ['nothing selected', '', 'INVALID_PARAMS'],
    ['an unknown dataset', 'dataset=nope&id=x', 'INVALID_PARAMS'],
    ['a bad exchange', 'dataset=spot&exchange=kraken&symbol=BTCUSDT', 'INVALID_PARAMS'],
    ['a param of another dataset', 'dataset=coin&id=bitcoin&exchange=bybit', 'INVALID_PARAMS'],
    ['a glob in a segment', 'keys=coin/bit*', 'INVALID_PARAMS'],
    ['too many parts', 'keys=coin/bitcoin/usd', 'INVALID_PARAMS'],
    ['keys and dataset', 'keys=coin/bitcoin&dataset=coin', 'INVALID_PARAMS'],
    ['a symbol and an id', 'dataset=signal&symbol=AAPL&id=s1', 'INVALID_PARAMS'],
    ['an unknown parameter', 'keys=coin/bitcoin&since=0', 'UNKNOWN_PARAMETER'],
  ])('answers 400 to %s', async (_what, query, code) => {
    const response = await t.app.inject(`/v1/stream?${query}`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, code })
  })

  it('answers 400 to a Last-Event-ID it did not send', async () => {
    const response = await t.app.inject({
      url: '/v1/stream?keys=coin/bitcoin',
      headers: { 'last-event-id': 'yesterday' },
    })
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'INVALID_PARAMS' })
  })

  it('sends the current version, then each new one; a closed client is dropped', async () => {
    const key = cacheKey(t.keys, coin, { id: 'bitcoin' })
    await writeEntry(t.redis, t.keys, key, envelope(coinData('bitcoin', 1)))
    const stream = await openStream(base, 'keys=coin/bitcoin,spot/bybit/BTCUSDT', {
      'accept-encoding': 'gzip',
    })
    expect(stream.status).toBe(200)
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(stream.headers['content-encoding']).toBeUndefined()
    await eventually(async () => (stream.events.length === 1 ? true : undefined))
    await writeEntry(t.redis, t.keys, key, envelope(coinData('bitcoin', 2)))
    const spotKey = cacheKey(t.keys, spot, { exchange: 'bybit', symbol: 'BTCUSDT' })
    await writeEntry(t.redis, t.keys, spotKey, envelope('{"price":3}', { source: 'bybit' }))
    await eventually(async () => (stream.events.length === 3 ? true : undefined))
    expect(stream.events.map((e) => [e.event, (e.data.value as { price: number }).price])).toEqual([
      ['coin', 1],
      ['coin', 2],
      ['spot', 3],
    ])
    expect(stream.events[2]?.data.params).toEqual({ exchange: 'bybit', symbol: 'BTCUSDT' })
    // Heartbeats keep the connection open between writes.
    await eventually(async () => (stream.comments.length > 0 ? true : undefined))
    expect(await subscribers(base)).toBe(1)
    await stream.close()
    await eventually(async () => ((await subscribers(base)) === 0 ? true : undefined))
  })

  it('follows every signal of a symbol, resuming after Last-Event-ID without a repeat', async () => {
    const write = async (id: string, symbol: string, reasoning: string) => {
      const value = signalValue(id, { symbol, reasoning, as_of: new Date().toISOString() })
      const key = cacheKey(t.keys, signal, { id })
      const index = t.keys.index(signal.name, signal.schemaVersion, 'symbol', symbol.toUpperCase())
      await t.redis.zadd(index, Date.now() + 3_600_000, key)
      await writeEntry(t.redis, t.keys, key, envelope(JSON.stringify(value), { source: 'pushed' }))
    }
    const stream = await openStream(base, 'dataset=signal&symbol=aapl')
    await write('s1', 'AAPL', 'first')
    await write('m1', 'MSFT', 'other symbol')
    await eventually(async () => (stream.events.length === 1 ? true : undefined))
    const last = stream.events[0] as StreamEvent
    expect(last.data.params).toEqual({ id: 's1' })
    await stream.close()
    await new Promise((resolve) => setTimeout(resolve, 2100))
    await write('s1', 'AAPL', 'revised')
    const resumed = await openStream(base, 'dataset=signal&symbol=AAPL', {
      'last-event-id': last.id,
    })
    await eventually(async () => (resumed.events.length === 1 ? true : undefined))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(resumed.events.map((e) => (e.data.value as { reasoning: string }).reasoning)).toEqual([
      'revised',
    ])
    await resumed.close()
  })

  it('answers 503 OVERLOADED past STREAM_MAX_SUBSCRIBERS', async () => {
    const open = [await openStream(base, 'keys=coin/a'), await openStream(base, 'keys=coin/b')]
    const refused = await fetch(`${base}/v1/stream?keys=coin/c`)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(await refused.json()).toMatchObject({
      statusCode: 503,
      code: 'OVERLOADED',
      error: 'Service Unavailable',
    })
    await Promise.all(open.map((stream) => stream.close()))
    await eventually(async () => ((await subscribers(base)) === 0 ? true : undefined))
  })

  it('drops a client that does not read, instead of buffering for it', async () => {
    const { port } = new URL(base)
    const socket = connect(Number(port), '127.0.0.1')
    socket.write('GET /v1/stream?keys=coin/big1,coin/big2,coin/big3 HTTP/1.1\r\nHost: x\r\n\r\n')
    socket.pause()
    await eventually(async () => ((await subscribers(base)) === 1 ? true : undefined))
    const big = coinData('big', 1).replace('"name":"big"', `"name":"${'x'.repeat(512 * 1024)}"`)
    for (let i = 0; i < 60 && (await subscribers(base)) === 1; i++) {
      const id = `big${(i % 3) + 1}`
      await writeEntry(t.redis, t.keys, cacheKey(t.keys, coin, { id }), envelope(big))
    }
    await eventually(async () => ((await subscribers(base)) === 0 ? true : undefined))
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toMatch(/marketcache_stream_ended_total\{reason="(slow|stalled)"\} [1-9]/)
    socket.destroy()
  })
})
