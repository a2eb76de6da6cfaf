import { EventSource } from 'eventsource'
import { Agent, fetch as undiciFetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Stack, startStack } from './support/stack'

let stack: Stack
/**
 * The streams' own connection pool, destroyed at the end: fetch opens spare connections that
 * send no request, and a server waits for those (up to its headers timeout) when it closes.
 */
const dispatcher = new Agent()
beforeAll(async () => {
  stack = await startStack({})
})
afterAll(async () => {
  await dispatcher.destroy()
  await stack.close()
})

interface Received {
  id: string
  at: number
  data: {
    dataset: string
    params: Record<string, string>
    fetchedAt: string
    etag: string
    value: Record<string, unknown>
  }
}

/**
 * A real EventSource on the stack's API, collecting the events of `dataset`. `lastEventId`
 * resumes, as a browser's EventSource does by itself when it reconnects.
 */
async function subscribe(query: string, dataset: string, lastEventId?: string) {
  const received: Received[] = []
  const source = new EventSource(`${stack.api}/v1/stream?${query}`, {
    fetch: (url, init) =>
      undiciFetch(url, {
        ...init,
        dispatcher,
        headers: { ...init?.headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      }) as unknown as ReturnType<typeof fetch>,
  })
  source.addEventListener(dataset, (event) => {
    received.push({ id: event.lastEventId, at: Date.now(), data: JSON.parse(event.data) })
  })
  await new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve()
    source.onerror = (error) => reject(new Error(`stream did not open: ${error.message}`))
  })
  /** The next event after those seen so far, or a failure after `timeoutMs`. */
  const next = async (count = received.length + 1, timeoutMs = 10_000): Promise<Received> => {
    const deadline = Date.now() + timeoutMs
    while (received.length < count) {
      if (Date.now() > deadline) throw new Error(`no event ${count} within ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    return received[count - 1] as Received
  }
  return { source, received, next }
}

function signalValue(id: string, symbol: string, asOf: string, reasoning = 'breakout') {
  const now = Date.now()
  return {
    signal_id: id,
    symbol,
    action: 'BUY',
    confidence: 0.7,
    target_price: 250,
    reasoning,
    created_at: new Date(now - 60_000).toISOString(),
    as_of: asOf,
    expires_at: new Date(now + 3_600_000).toISOString(),
  }
}

/** Generous: the bench prints the real write-to-event latency; this only catches a stall. */
const WRITE_TO_EVENT_BOUND_MS = 1000

describe('a dashboard streams AAPL signals and a spot price', () => {
  it('receives a pushed signal and a spot refresh soon after each write, with its version', async () => {
    const signals = await subscribe('dataset=signal&symbol=AAPL', 'signal')
    const spot = await subscribe('dataset=spot&exchange=bybit&symbol=BTCUSDT', 'spot')
    try {
      const pushed = await stack.post(
        '/v1/push/signal?wait=5000',
        signalValue('live-1', 'aapl', new Date().toISOString()),
      )
      expect(pushed.status).toBe(201)
      const event = await signals.next()
      expect(event.data).toMatchObject({ dataset: 'signal', params: { id: 'live-1' } })
      expect(event.data.value).toMatchObject({ signal_id: 'live-1', symbol: 'aapl' })
      // The version the API serves now is the one the event carries.
      const read = await stack.get('/v1/signals/live-1')
      expect(read.headers.get('etag')).toBe(event.data.etag)
      expect(event.at - Date.parse(event.data.fetchedAt)).toBeLessThan(WRITE_TO_EVENT_BOUND_MS)

      const refresh = await stack.post('/v1/update-cache', {
        dataset: 'spot',
        params: { exchange: 'bybit', symbol: 'BTCUSDT' },
      })
      expect(refresh.status).toBe(202)
      const price = await spot.next()
      expect(price.data).toMatchObject({
        dataset: 'spot',
        params: { exchange: 'bybit', symbol: 'BTCUSDT' },
      })
      expect(price.at - Date.parse(price.data.fetchedAt)).toBeLessThan(WRITE_TO_EVENT_BOUND_MS)
      const current = await stack.get('/v1/spot/bybit/BTCUSDT')
      expect(current.headers.get('etag')).toBe(price.data.etag)
    } finally {
      signals.source.close()
      spot.source.close()
    }
  })

  it('misses nothing across a reconnect with Last-Event-ID, and repeats nothing', async () => {
    const first = await subscribe('dataset=signal&symbol=MSFT', 'signal')
    const push = (asOf: string, reasoning: string) =>
      stack.post('/v1/push/signal?wait=5000', signalValue('msft-1', 'MSFT', asOf, reasoning))
    expect((await push('2030-01-01T00:00:00Z', 'first')).status).toBe(201)
    const seen = await first.next()
    first.source.close()

    // Written while the dashboard is away.
    expect((await push('2030-01-02T00:00:00Z', 'revised')).status).toBe(201)
    const resumed = await subscribe('dataset=signal&symbol=MSFT', 'signal', seen.id)
    try {
      const missed = await resumed.next()
      expect(missed.data.value).toMatchObject({ reasoning: 'revised' })
      expect(missed.id).not.toBe(seen.id)
      // And then only what is written next: the version it already had is not sent again.
      expect((await push('2030-01-03T00:00:00Z', 'third')).status).toBe(201)
      await resumed.next(2)
      expect(resumed.received.map((event) => event.data.value.reasoning)).toEqual([
        'revised',
        'third',
      ])
    } finally {
      resumed.source.close()
    }
  })
})
