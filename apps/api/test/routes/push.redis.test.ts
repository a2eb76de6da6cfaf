import { cacheKey } from '@marketcache/shared/dataset'
import { signal } from '@marketcache/shared/datasets/signal'
import { Priority } from '@marketcache/shared/jobs'
import { describe, expect, it } from 'vitest'
import { envelope, writeEntry } from '../fixtures/cache-writer'
import { signalValue } from '../fixtures/signals'
import { TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp()

const writer = { authorization: `Bearer ${TestKeys.writer}` }
const push = (dataset: string, payload: unknown, query = '', headers = writer) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/push/${dataset}${query}`,
    payload: payload as object,
    headers,
  })

describe('POST /v1/push/:dataset', () => {
  it('one signal: 202 with one job on the push queue, keyed by the signal id', async () => {
    const value = signalValue('sig-1')
    const response = await push('signal', value)
    expect(response.statusCode).toBe(202)
    const key = cacheKey(t.keys, signal, { id: 'sig-1' })
    expect(response.json()).toEqual({
      jobs: [{ id: expect.stringMatching(/^push\.\d+$/), dataset: 'signal', key }],
    })
    const [job, ...others] = await t.pendingJobs()
    expect(others).toHaveLength(0)
    expect(job?.name).toBe('push.write')
    expect(job?.queueName).toBe('push')
    expect(job?.opts.priority).toBe(Priority.update)
    expect(job?.data).toEqual({
      dataset: 'signal',
      items: [value],
      at: expect.any(Number),
      origin: 'update',
    })
  })

  it('a batch of 500 is one job listing 500 keys', async () => {
    const items = Array.from({ length: 500 }, (_, i) => signalValue(`batch-${i}`))
    const response = await push('signal', { items })
    expect(response.statusCode).toBe(202)
    const { jobs } = response.json()
    expect(jobs).toHaveLength(500)
    expect(new Set(jobs.map((job: { id: string }) => job.id)).size).toBe(1)
    const queued = await t.pendingJobs()
    expect(queued).toHaveLength(1)
    expect(queued[0]?.data.items).toHaveLength(500)
  })

  it('two different single pushes are two jobs', async () => {
    await push('signal', signalValue('a'))
    await push('signal', signalValue('b'))
    expect(await t.pendingJobs()).toHaveLength(2)
  })

  it.each([
    ['a confidence above 1', signalValue('x', { confidence: 1.5 }), '/confidence'],
    ['an unknown action', signalValue('x', { action: 'SHORT' }), '/action'],
    ['a signal id with a colon', signalValue('x:y'), '/signal_id'],
    ['an extra field', signalValue('x', { extra: 1 }), '/extra'],
    ['a month 13', signalValue('x', { created_at: '2025-13-01T00:00:00Z' }), 'real date'],
    ['an expired signal', signalValue('x', {}, -1000), 'already expired'],
    [
      'a bad batch item',
      { items: [signalValue('a'), signalValue('b', { action: 1 })] },
      '/items/1/action',
    ],
    [
      'a batch of 501',
      { items: Array.from({ length: 501 }, (_, i) => signalValue(`s${i}`)) },
      '/items',
    ],
    ['an empty batch', { items: [] }, '/items'],
    ['one entry twice', { items: [signalValue('a'), signalValue('a')] }, '/items/1'],
  ])('%s: 400 INVALID_BODY naming the path, nothing enqueued', async (_name, body, path) => {
    const response = await push('signal', body)
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('INVALID_BODY')
    expect(response.json().message).toContain(path)
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('an analytics value over 256 KB: 413, nothing enqueued', async () => {
    const big = { name: 'big', value: 'x'.repeat(300 * 1024) }
    const response = await push('analytics', big)
    expect(response.statusCode).toBe(413)
    expect(response.json().code).toBe('PAYLOAD_TOO_LARGE')
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('analytics takes any JSON and a ttl; signals take no ttl', async () => {
    const response = await push(
      'analytics',
      { name: 'btc.skew', value: [1, { a: null }] },
      '?ttl=60',
    )
    expect(response.statusCode).toBe(202)
    expect((await t.pendingJobs())[0]?.data).toMatchObject({ dataset: 'analytics', ttl: 60 })
    const signalTtl = await push('signal', signalValue('s'), '?ttl=60')
    expect(signalTtl.statusCode).toBe(400)
    expect(signalTtl.json().code).toBe('UNKNOWN_PARAMETER')
  })

  it('without a key 401, without the write scope 403; nothing enqueued', async () => {
    const none = await push('signal', signalValue('s'), '', {} as typeof writer)
    expect(none.statusCode).toBe(401)
    const reader = await push('signal', signalValue('s'), '', {
      authorization: `Bearer ${TestKeys.reader}`,
    })
    expect(reader.statusCode).toBe(403)
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('a dataset that is not pushed has no push route', async () => {
    expect((await push('coin', { id: 'bitcoin' })).statusCode).toBe(404)
  })

  it('?wait without a worker: 202 with the job once the wait is over', async () => {
    const started = Date.now()
    const response = await push('signal', signalValue('w'), '?wait=150')
    expect(response.statusCode).toBe(202)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(response.json().jobs[0].id).toMatch(/^push\./)
  })

  it('?wait for a value older than the stored one: 200 at once, kept', async () => {
    const key = cacheKey(t.keys, signal, { id: 'old' })
    const stored = envelope(JSON.stringify(signalValue('old')), { ageMs: 0 })
    await writeEntry(t.redis, t.keys, key, { ...stored, asOf: Date.now() + 60_000 })
    const response = await push('signal', signalValue('old'), '?wait=2000')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ written: [], kept: [key] })
  })
})

describe('pushed datasets on the other routes', () => {
  it('a miss is 404 NOT_FOUND, and nothing is enqueued', async () => {
    for (const url of ['/v1/signals/never-pushed', '/v1/analytics/never.pushed']) {
      const response = await t.app.inject({ url })
      expect(response.statusCode, url).toBe(404)
      expect(response.json().code).toBe('NOT_FOUND')
    }
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('a cached signal reads like any entry: HIT, ETag, 304', async () => {
    const key = cacheKey(t.keys, signal, { id: 'sig-9' })
    const data = JSON.stringify(signalValue('sig-9'))
    await writeEntry(t.redis, t.keys, key, envelope(data, { ageMs: 1000 }))
    const first = await t.app.inject({ url: '/v1/signals/sig-9' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['x-cache-status']).toBe('HIT')
    expect(first.body).toBe(data)
    const again = await t.app.inject({
      url: '/v1/signals/sig-9',
      headers: { 'if-none-match': String(first.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
  })

  it('reads take no wait or fresh: nothing could fetch them', async () => {
    const response = await t.app.inject({ url: '/v1/analytics/x?fresh=true' })
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('UNKNOWN_PARAMETER')
  })

  it('update-cache on a pushed dataset is 400, nothing enqueued', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      payload: { dataset: 'analytics', params: { name: 'x' } },
      headers: writer,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toContain('POST /v1/push/analytics')
    expect(await t.pendingJobs()).toHaveLength(0)
  })

  it('GET /v1/signals?symbol= with none active: an empty list; active=false is 400', async () => {
    const response = await t.app.inject({ url: '/v1/signals?symbol=aapl' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ symbol: 'AAPL', items: [] })
    expect(response.headers.etag).toBeDefined()
    const inactive = await t.app.inject({ url: '/v1/signals?symbol=AAPL&active=false' })
    expect(inactive.statusCode).toBe(400)
  })
})
