import { describe, expect, it } from 'vitest'
import { TestKeys, useTestApp } from '../fixtures/test-app'

const t = useTestApp({}, { beforeEach: 'nothing' })

const get = (url: string) => t.app.inject({ method: 'GET', url })

describe('GET /v1/jobs/:id', () => {
  it('shows a queued job by its public id', async () => {
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/v1/update-cache',
      payload: { popular: true, limit: 10 },
      headers: { authorization: `Bearer ${TestKeys.writer}` },
    })
    const id = accepted.json().jobs[0].id
    const response = await get(`/v1/jobs/${id}`)
    expect(response.statusCode).toBe(200)
    const job = response.json()
    expect(job).toEqual({
      id,
      queue: 'coingecko',
      name: 'coingecko.markets',
      state: 'prioritized',
      attemptsMade: 0,
      attempts: 4,
      failedReason: null,
      returnvalue: null,
      createdAt: expect.any(String),
      finishedAt: null,
    })
    expect(Date.now() - Date.parse(job.createdAt)).toBeLessThan(60_000)
  })

  it('shows a failed job with its reason', async () => {
    const job = await t.coingecko.add('coingecko.coin', { id: 'x', origin: 'miss' })
    await t.redis.hset(`${t.coingecko.opts.prefix}:coingecko:${job.id}`, 'failedReason', 'HTTP 500')
    const response = await get(`/v1/jobs/coingecko.${job.id}`)
    expect(response.json().failedReason).toBe('HTTP 500')
  })

  it('answers 404 JOB_NOT_FOUND for an unknown job', async () => {
    const response = await get('/v1/jobs/coingecko.999999')
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({
      statusCode: 404,
      code: 'JOB_NOT_FOUND',
      error: 'Not Found',
    })
  })

  it.each(['nope', 'unknownqueue.1', 'coingecko.', 'coingecko.a:b', 'coingecko.a*b'])(
    'answers 400 INVALID_PARAMS for the malformed id %s',
    async (id) => {
      const response = await get(`/v1/jobs/${encodeURIComponent(id)}`)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ statusCode: 400, code: 'INVALID_PARAMS' })
    },
  )
})
